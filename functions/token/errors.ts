import { CodedError } from '../shared/coded-error.js';

/**
 * The states of the stored token that callers act on, named once for the refresher, the consumer
 * client and the CLI (whose exit codes follow them).
 */
export type TokenStateCode = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_STALE';

/**
 * The consumer client's names for two of these states before 0.2.0. Its errors still carry them as
 * `legacyCode`, so code written against 0.1 keeps working until 1.0; new code switches on `code`.
 */
export const LEGACY_TOKEN_STATE_CODES = {
  TOKEN_MISSING: 'PARAMETER_NOT_FOUND',
  TOKEN_INVALID: 'TOKEN_DOCUMENT_INVALID',
} as const satisfies Partial<Record<TokenStateCode, string>>;

export type LegacyTokenStateCode = (typeof LEGACY_TOKEN_STATE_CODES)[keyof typeof LEGACY_TOKEN_STATE_CODES];

/** The stored token document cannot be used. The message names the field, never the token. */
export class TokenDocumentError extends CodedError<'TOKEN_INVALID'> {
  override readonly name = 'TokenDocumentError';
  readonly code = 'TOKEN_INVALID' as const;

  constructor(message: string) {
    super(message);
  }
}
