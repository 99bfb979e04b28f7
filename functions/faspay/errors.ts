import { CodedError } from '../shared/coded-error.js';

export type FaspayErrorCode =
  | 'FASPAY_UNAUTHORIZED'
  | 'FASPAY_REJECTED'
  | 'FASPAY_HTTP_ERROR'
  | 'FASPAY_BAD_RESPONSE'
  | 'FASPAY_TIMEOUT'
  | 'FASPAY_NETWORK';

/**
 * A token request that did not produce a usable token. Carries what Faspay said about it
 * (`response_code`, `response_desc`, `message`, HTTP status) and never the response body itself.
 */
export class FaspayError extends CodedError<FaspayErrorCode> {
  override readonly name = 'FaspayError';
  readonly code: FaspayErrorCode;

  constructor(
    code: FaspayErrorCode,
    message: string,
    options: {
      retryable?: boolean;
      httpStatus?: number;
      responseCode?: string;
      responseDesc?: string;
      faspayMessage?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, {
      retryable: options.retryable ?? false,
      cause: options.cause,
      details: {
        httpStatus: options.httpStatus,
        responseCode: options.responseCode,
        responseDesc: options.responseDesc,
        faspayMessage: options.faspayMessage,
      },
    });
    this.code = code;
  }
}

/** The credential set is unusable. Names the keys at fault, never their values. */
export class CredentialsInvalidError extends CodedError<'CREDENTIALS_INVALID'> {
  override readonly name = 'CredentialsInvalidError';
  readonly code = 'CREDENTIALS_INVALID' as const;
  readonly invalidKeys: readonly string[];

  constructor(message: string, invalidKeys: readonly string[] = []) {
    super(message, { details: { invalidKeys: invalidKeys.join(',') } });
    this.invalidKeys = invalidKeys;
  }
}
