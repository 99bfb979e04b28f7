import { CodedError } from '../shared/coded-error.js';

/**
 * An invocation payload of a shape the function does not accept. Nothing is written. The name is
 * literal: a minified bundle renames classes, and Lambda reports `name` as `errorType`.
 */
export class EventError extends CodedError<'EVENT_INVALID'> {
  override readonly name = 'EventError';
  readonly code = 'EVENT_INVALID' as const;

  constructor(message: string) {
    super(message);
  }
}
