import { CodedError, thrownName } from '../shared/coded-error.js';
import { LEGACY_TOKEN_STATE_CODES, type LegacyTokenStateCode } from '../token/errors.js';

/**
 * Every code a token provider or a signed fetch can reject with. Some come from the shared layers
 * unchanged (`CREDENTIALS_INVALID` from the protocol module, `PARAMETER_READ_FAILED` and
 * `CREDENTIALS_UNAVAILABLE` from the AWS adapters, `FASPAY_TIMEOUT`/`FASPAY_NETWORK` from the HTTP
 * adapter, `CONFIG_INVALID` from the one `ConfigError` of the whole project); every rejection is a
 * `CodedError`, so callers switch on `code`.
 *
 * The token's states have the names the refresher and the CLI use (`TOKEN_MISSING`, `TOKEN_INVALID`,
 * `TOKEN_EXPIRED`). Before 0.2.0 the first two were `PARAMETER_NOT_FOUND` and
 * `TOKEN_DOCUMENT_INVALID`: those errors still carry the old name as `legacyCode` until 1.0.
 */
export type FaspayTokenProviderErrorCode =
  | 'TOKEN_MISSING'
  | 'PARAMETER_READ_FAILED'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'CREDENTIALS_INVALID'
  | 'CREDENTIALS_UNAVAILABLE'
  | 'CONFIG_INVALID'
  | 'FASPAY_TIMEOUT'
  | 'FASPAY_NETWORK'
  | 'FASPAY_BAD_RESPONSE';

/** Codes of the consumer's own error class; `CONFIG_INVALID` is the shared ConfigError's, as everywhere. */
type OwnCode = Extract<
  FaspayTokenProviderErrorCode,
  'TOKEN_MISSING' | 'PARAMETER_READ_FAILED' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'CREDENTIALS_UNAVAILABLE'
>;

/** A failure the consumer layer detects itself. The message names the parameter or option, never a value read from it. */
export class TokenProviderError extends CodedError<OwnCode> {
  override readonly name = 'TokenProviderError';
  readonly code: OwnCode;
  /** @deprecated The 0.1 name of `code` (PARAMETER_NOT_FOUND, TOKEN_DOCUMENT_INVALID); switch on `code`. */
  readonly legacyCode?: LegacyTokenStateCode;

  constructor(
    code: OwnCode,
    message: string,
    options: { retryable?: boolean; details?: Record<string, string | number | boolean | undefined>; cause?: unknown } = {},
  ) {
    super(message, options);
    this.code = code;
    const legacyCode = (LEGACY_TOKEN_STATE_CODES as Partial<Record<string, LegacyTokenStateCode>>)[code];
    if (legacyCode !== undefined) this.legacyCode = legacyCode;
  }
}

/**
 * Keeps a coded error as it is; anything else thrown by an injected source becomes `code` with only
 * the thrown class name (its message could carry anything).
 */
export function asProviderError(thrown: unknown, code: 'PARAMETER_READ_FAILED' | 'CREDENTIALS_UNAVAILABLE', what: string): CodedError {
  if (thrown instanceof CodedError) return thrown;
  const name = thrownName(thrown);
  return new TokenProviderError(code, `${what} failed: ${name}`, { retryable: true, details: { thrownName: name } });
}
