import { CodedError } from '../shared/coded-error.js';

/** The stored token document cannot be used. The message names the field, never the token. */
export class TokenDocumentError extends CodedError<'TOKEN_DOCUMENT_INVALID'> {
  override readonly name = 'TokenDocumentError';
  readonly code = 'TOKEN_DOCUMENT_INVALID' as const;

  constructor(message: string) {
    super(message);
  }
}
