import { CodedError } from '../shared/coded-error.js';

// Each class names itself literally: a minified bundle renames classes, and Lambda reports the
// error's `name` as `errorType`, which operators read and the CLI shows.

/** The invocation has too little time left to make (another) token request safely. */
export class TimeBudgetError extends CodedError<'TIME_BUDGET_EXHAUSTED'> {
  override readonly name = 'TimeBudgetError';
  readonly code = 'TIME_BUDGET_EXHAUSTED' as const;

  constructor(message: string) {
    super(message, { retryable: true });
  }
}

/**
 * Faspay issued a token whose document does not fit the parameter (4096 bytes of value in the
 * Standard tier, 8192 in the Advanced). Nothing is written; retrying cannot help, so the run fails
 * at once, without another token request.
 */
export class TokenTooLargeError extends CodedError<'TOKEN_TOO_LARGE'> {
  override readonly name = 'TokenTooLargeError';
  readonly code = 'TOKEN_TOO_LARGE' as const;

  constructor(bytes: number, limitBytes: number) {
    super(
      `the token document is ${bytes} bytes, more than the ${limitBytes} bytes the token parameter holds: nothing was stored; ` +
        'allow the Advanced tier (construct prop advancedTier, see docs/self-healing.md, "Oversize tokens")',
      { details: { bytes, limitBytes } },
    );
  }
}
