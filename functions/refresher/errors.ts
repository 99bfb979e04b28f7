import { CodedError } from '../shared/coded-error.js';

/** An environment variable (or other setting) that cannot work. Names the variable. */
export class ConfigError extends CodedError<'CONFIG_INVALID'> {
  readonly code = 'CONFIG_INVALID' as const;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** An invocation payload of a shape the function does not accept. Nothing is written. */
export class EventError extends CodedError<'EVENT_INVALID'> {
  readonly code = 'EVENT_INVALID' as const;

  constructor(message: string) {
    super(message);
  }
}

/** The invocation has too little time left to make (another) token request safely. */
export class TimeBudgetError extends CodedError<'TIME_BUDGET_EXHAUSTED'> {
  readonly code = 'TIME_BUDGET_EXHAUSTED' as const;

  constructor(message: string) {
    super(message, { retryable: true });
  }
}
