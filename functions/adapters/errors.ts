import { CodedError } from '../shared/coded-error.js';

export type AwsAdapterErrorCode =
  | 'CREDENTIALS_UNAVAILABLE'
  | 'PARAMETER_READ_FAILED'
  | 'PARAMETER_WRITE_FAILED'
  | 'REJECTION_REPORT_FAILED';

/** Throttling and server-side faults are worth another try; denial and missing resources are not. */
const RETRYABLE_AWS_ERRORS = new Set([
  'ThrottlingException',
  'TooManyUpdates',
  'InternalServerError',
  'InternalServiceError',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
]);

/** Throttling, a server fault, an HTTP 5xx or 429: an answer worth another try. */
function isRetryableAnswer(awsErrorName: string, httpStatus: number | undefined): boolean {
  return RETRYABLE_AWS_ERRORS.has(awsErrorName) || (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429));
}

/**
 * An AWS call failed. Carries the AWS error name (`ResourceNotFoundException`, `AccessDeniedException`,
 * ...) and never the SDK error object itself, whose fields may echo request parameters.
 */
export class AwsAdapterError extends CodedError<AwsAdapterErrorCode> {
  override readonly name = 'AwsAdapterError';
  readonly code: AwsAdapterErrorCode;
  readonly awsErrorName: string;

  /**
   * `answer.httpStatus`, when the caller has it, is named in the message and the details: an answer
   * the SDK could not read (an HTML error page) says nothing else. A 5xx or 429 is worth another try.
   */
  constructor(
    code: AwsAdapterErrorCode,
    message: string,
    awsErrorName: string,
    answer: { readonly httpStatus?: number; readonly attempts?: number } = {},
  ) {
    const { httpStatus, attempts } = answer;
    super(`${message}: ${awsErrorName}${httpStatus === undefined ? '' : ` (HTTP ${httpStatus})`}`, {
      retryable: isRetryableAnswer(awsErrorName, httpStatus),
      details: { awsErrorName, httpStatus, attempts },
    });
    this.code = code;
    this.awsErrorName = awsErrorName;
  }
}

/** What Node's network layer says when an AWS endpoint cannot be reached at all. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Whether a failed AWS call (an SDK client's error or an AwsCallError) is worth another try:
 * throttling, a server fault, an HTTP 5xx or 429, or an endpoint that could not be reached.
 */
export function isRetryableAwsError(error: unknown): boolean {
  const name = awsErrorName(error);
  return NETWORK_ERROR_CODES.has(name) || isRetryableAnswer(name, awsHttpStatus(error));
}

/** The AwsAdapterError for what an AWS call threw: its AWS name and, when an answer came, its HTTP status. */
export function awsCallFailed(code: AwsAdapterErrorCode, message: string, error: unknown, attempts?: number): AwsAdapterError {
  const httpStatus = awsHttpStatus(error);
  return new AwsAdapterError(code, message, awsErrorName(error), {
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(attempts === undefined ? {} : { attempts }),
  });
}

/** The HTTP status of the answer an AWS call failed with; undefined when no answer came. */
export function awsHttpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The name of what an SDK call threw: the AWS error name, or the network error code when the
 * endpoint could not be reached (the SDK then throws a plain Error whose name says nothing), or
 * `UnknownError` for an answer the SDK could not read (an HTML error page from a proxy or an
 * emulator: its parser's SyntaxError says nothing about AWS).
 */
export function awsErrorName(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return code;
  if (awsHttpStatus(error) !== undefined && typeof (error as { $fault?: unknown }).$fault !== 'string') return 'UnknownError';
  if (error instanceof Error && typeof error.name === 'string' && /^[A-Za-z.]{1,80}$/.test(error.name)) return error.name;
  return 'UnknownError';
}

/**
 * The lease's name (`<token parameter>.lease`) holds a parameter that is not a refresh lease: a
 * SecureString (another refresher's token, when its name is this token's name plus `.lease`) or a
 * value that is not a lease document. The refresher leaves it untouched and refreshes nothing.
 */
export class LeaseNameTakenError extends CodedError<'LEASE_NAME_TAKEN'> {
  override readonly name = 'LeaseNameTakenError';
  readonly code = 'LEASE_NAME_TAKEN' as const;

  constructor(leaseName: string, parameterType: string) {
    super(
      `the refresh lease's name "${leaseName}" holds a ${parameterType} parameter that is not a refresh lease: it was left untouched; ` +
        'rename the token parameter (or that parameter) so that no other parameter is named "<token parameter>.lease"',
      { details: { leaseName, parameterType } },
    );
  }
}
