import { isCodedError } from '../functions/shared/coded-error.js';
import { RefresherFunctionError } from './errors.js';

/**
 * The CLI's exit codes: a contract for scripts and monitors (documented in docs/operate.md, "Exit codes"
 * section). Each failure kind gets its own code, derived from the error's stable `code`.
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
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

const BY_ERROR_CODE: Readonly<Record<string, ExitCode>> = {
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
  TIME_BUDGET_EXHAUSTED: EXIT_CODES.faspay,
  CREDENTIALS_UNAVAILABLE: EXIT_CODES.aws,
  PARAMETER_READ_FAILED: EXIT_CODES.aws,
  PARAMETER_WRITE_FAILED: EXIT_CODES.aws,
  AWS_REQUEST_FAILED: EXIT_CODES.aws,
  TOKEN_STALE: EXIT_CODES.tokenStale,
  TOKEN_EXPIRED: EXIT_CODES.tokenExpired,
  TOKEN_MISSING: EXIT_CODES.tokenMissing,
  TOKEN_INVALID: EXIT_CODES.tokenInvalid,
  TOKEN_DOCUMENT_INVALID: EXIT_CODES.tokenInvalid,
  // The consumer provider's name for "nothing stored".
  PARAMETER_NOT_FOUND: EXIT_CODES.tokenMissing,
};

/** What the deployed function reports as `errorType` (the class name of what its handler threw). */
const BY_FUNCTION_ERROR_TYPE: Readonly<Record<string, ExitCode>> = {
  FaspayError: EXIT_CODES.faspay,
  TimeBudgetError: EXIT_CODES.faspay,
  CredentialsInvalidError: EXIT_CODES.configuration,
  ConfigError: EXIT_CODES.configuration,
  FaspayConfigError: EXIT_CODES.configuration,
  EventError: EXIT_CODES.usage,
  AwsAdapterError: EXIT_CODES.aws,
};

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof RefresherFunctionError) {
    // Anything else (Runtime.*, Sandbox.Timedout, a bug) failed on AWS's side of the invoke.
    return BY_FUNCTION_ERROR_TYPE[error.errorType] ?? EXIT_CODES.aws;
  }
  if (!isCodedError(error)) return EXIT_CODES.unexpected;
  if (error.code.startsWith('FASPAY_')) return EXIT_CODES.faspay;
  return BY_ERROR_CODE[error.code] ?? EXIT_CODES.unexpected;
}
