import type { BodyTooLargeError } from '../functions/adapters/bounded-body.js';
import type { AwsAdapterError, LeaseNameTakenError } from '../functions/adapters/errors.js';
import type { TokenProviderError } from '../functions/consumer/errors.js';
import type { BalanceInquiryError } from '../functions/consumer/example-handler.js';
import type { CredentialsInvalidError, FaspayError } from '../functions/faspay/errors.js';
import type { EventError } from '../functions/lambda/errors.js';
import type { TimeBudgetError, TokenTooLargeError } from '../functions/refresher/errors.js';
import { isCodedError, type UnexpectedError } from '../functions/shared/coded-error.js';
import type { ConfigError } from '../functions/shared/config-error.js';
import type { TokenDocumentError } from '../functions/token/errors.js';
import { type AwsCallError, type CliSetupError, RefresherFunctionError, type TokenHealthError, type UsageError } from './errors.js';

/**
 * The CLI's exit codes: a contract for scripts and monitors (documented in docs/operate.md). Each
 * failure kind gets its own code, derived from the error's stable `code`.
 */
export const EXIT_CODES = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  configuration: 3,
  faspay: 4,
  aws: 5,
  tokenStale: 6,
  tokenExpired: 7,
  tokenMissing: 8,
  tokenInvalid: 9,
  /** `refresh --force`: the run stored no token of its own (it waited for another run, whose token is shown). */
  forceJoined: 10,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * Every error class the project throws on purpose (test/cli/exit-codes.test.ts checks that each
 * CodedError subclass in the tree is listed here).
 */
type ProjectError =
  | UsageError
  | CliSetupError
  | AwsCallError
  | RefresherFunctionError
  | TokenHealthError
  | ConfigError
  | CredentialsInvalidError
  | FaspayError
  | EventError
  | TimeBudgetError
  | TokenTooLargeError
  | TokenDocumentError
  | AwsAdapterError
  | LeaseNameTakenError
  | BodyTooLargeError
  | TokenProviderError
  | BalanceInquiryError
  | UnexpectedError;

/** Every stable error code: a code added to any of the classes above does not compile until it has an exit code here. */
export type ErrorCode = ProjectError['code'];

const BY_ERROR_CODE: { readonly [Code in ErrorCode]: ExitCode } = {
  USAGE_INVALID: EXIT_CODES.usage,
  EVENT_INVALID: EXIT_CODES.usage,
  CONFIG_INVALID: EXIT_CODES.configuration,
  CREDENTIALS_INVALID: EXIT_CODES.configuration,
  CREDENTIALS_FILE_UNREADABLE: EXIT_CODES.configuration,
  AWS_CREDENTIALS_MISSING: EXIT_CODES.configuration,
  AWS_REGION_MISSING: EXIT_CODES.configuration,
  STACK_NOT_FOUND: EXIT_CODES.configuration,
  STACK_OUTPUT_MISSING: EXIT_CODES.configuration,
  FUNCTION_NOT_FOUND: EXIT_CODES.configuration,
  PORT_IN_USE: EXIT_CODES.configuration,
  // Another parameter sits at the lease's name: a naming conflict only a person can resolve.
  LEASE_NAME_TAKEN: EXIT_CODES.configuration,
  FASPAY_UNAUTHORIZED: EXIT_CODES.faspay,
  FASPAY_REJECTED: EXIT_CODES.faspay,
  FASPAY_HTTP_ERROR: EXIT_CODES.faspay,
  FASPAY_BAD_RESPONSE: EXIT_CODES.faspay,
  ANSWER_TOO_LARGE: EXIT_CODES.faspay,
  FASPAY_TIMEOUT: EXIT_CODES.faspay,
  FASPAY_NETWORK: EXIT_CODES.faspay,
  TIME_BUDGET_EXHAUSTED: EXIT_CODES.faspay,
  // Faspay issued a token too large to store: nothing local can fix it.
  TOKEN_TOO_LARGE: EXIT_CODES.faspay,
  SERVICE_CALL_FAILED: EXIT_CODES.faspay,
  CREDENTIALS_UNAVAILABLE: EXIT_CODES.aws,
  PARAMETER_READ_FAILED: EXIT_CODES.aws,
  PARAMETER_WRITE_FAILED: EXIT_CODES.aws,
  REJECTION_REPORT_FAILED: EXIT_CODES.aws,
  AWS_REQUEST_FAILED: EXIT_CODES.aws,
  // A function failure with no code of its own (Runtime.*, Sandbox.Timedout): AWS's side of the invoke.
  REFRESHER_FUNCTION_FAILED: EXIT_CODES.aws,
  TOKEN_STALE: EXIT_CODES.tokenStale,
  TOKEN_EXPIRED: EXIT_CODES.tokenExpired,
  TOKEN_MISSING: EXIT_CODES.tokenMissing,
  TOKEN_INVALID: EXIT_CODES.tokenInvalid,
  INTERNAL_ERROR: EXIT_CODES.unexpected,
};

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(BY_ERROR_CODE, code);
}

/**
 * The exit code for anything a command failed with. A failed run of the deployed function is
 * mapped by the code its errorMessage starts with, through the same table as a local error.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof RefresherFunctionError) {
    const code = error.functionErrorCode;
    return code !== undefined && isErrorCode(code) ? BY_ERROR_CODE[code] : EXIT_CODES.aws;
  }
  if (!isCodedError(error)) return EXIT_CODES.unexpected;
  return isErrorCode(error.code) ? BY_ERROR_CODE[error.code] : EXIT_CODES.unexpected;
}
