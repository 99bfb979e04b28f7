/**
 * Base of every error this project throws on purpose. `code` is stable (scripts, alarms, the CLI's
 * exit codes and tests depend on it); `message` names what is wrong and never carries a credential,
 * token, signature or secret value. Extra fields go through `details` so that loggers which print
 * enumerable fields (Powertools' formatError does) only ever see what was chosen to be safe.
 */
export abstract class CodedError<Code extends string = string> extends Error {
  /**
   * The class's own name, written as a literal in every subclass (`override readonly name =
   * 'FaspayError'`): a minifier renames classes, and Lambda reports `name` as `errorType`.
   */
  abstract override readonly name: string;
  abstract readonly code: Code;
  /** Whether trying again later (same input) can succeed. */
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, string | number | boolean>>;

  protected constructor(
    message: string,
    options: {
      retryable?: boolean;
      details?: Record<string, string | number | boolean | undefined>;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.details = Object.freeze(dropUndefined(options.details ?? {}));
  }

  toJSON(): { name: string; code: string; message: string; retryable: boolean; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, details: { ...this.details } };
  }
}

function dropUndefined(record: Record<string, string | number | boolean | undefined>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError;
}

/**
 * Wraps something thrown that is not one of ours (a bug, an SDK surprise). Only the error's class
 * name is kept: an arbitrary message could carry anything, including a request it failed on.
 */
export class UnexpectedError extends CodedError<'INTERNAL_ERROR'> {
  override readonly name = 'UnexpectedError';
  readonly code = 'INTERNAL_ERROR' as const;

  constructor(what: string, thrown: unknown) {
    const name = thrownName(thrown);
    super(`unexpected ${name} while ${what}`, { details: { thrownName: name } });
  }
}

/**
 * What may be said of something thrown that is not ours: its class name when that is a plain word,
 * else its type. Never its message, which could carry anything (a request, a value).
 */
export function thrownName(thrown: unknown): string {
  return thrown instanceof Error && /^[A-Za-z]{1,60}$/.test(thrown.name) ? thrown.name : typeof thrown;
}

export function asCodedError(thrown: unknown, what: string): CodedError {
  return isCodedError(thrown) ? thrown : new UnexpectedError(what, thrown);
}
