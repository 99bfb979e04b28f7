import { codeOfFunctionErrorMessage } from '../functions/contracts/function-error.js';
import { CodedError } from '../functions/shared/coded-error.js';
import type { TokenStateCode } from '../functions/token/errors.js';
import type { EgressFinding } from './egress-addresses.js';

/** The command line itself is wrong: unknown flag, missing value, bad number. Names the flag. */
export class UsageError extends CodedError<'USAGE_INVALID'> {
  override readonly name = 'UsageError';
  readonly code = 'USAGE_INVALID' as const;

  constructor(message: string) {
    super(message);
  }
}

export type CliSetupErrorCode =
  | 'CREDENTIALS_FILE_UNREADABLE'
  | 'AWS_CREDENTIALS_MISSING'
  | 'AWS_REGION_MISSING'
  | 'STACK_NOT_FOUND'
  | 'STACK_OUTPUT_MISSING'
  | 'FUNCTION_NOT_FOUND'
  | 'PORT_IN_USE';

/**
 * The operator's environment cannot work as it is (a file, AWS credentials, a region, a stack name).
 * The message says what to set or pass.
 */
export class CliSetupError extends CodedError<CliSetupErrorCode> {
  override readonly name = 'CliSetupError';
  readonly code: CliSetupErrorCode;

  constructor(code: CliSetupErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** An AWS call made by the CLI failed (network, denied, throttled). Carries the AWS error name only. */
export class AwsCallError extends CodedError<'AWS_REQUEST_FAILED'> {
  override readonly name = 'AwsCallError';
  readonly code = 'AWS_REQUEST_FAILED' as const;

  constructor(message: string, awsErrorName: string) {
    super(message, { details: { awsErrorName } });
  }
}

/**
 * The deployed refresher function ran and failed. `errorType` is the class name Lambda reports
 * (FaspayError, CredentialsInvalidError, ...); `functionErrorCode` is the stable code its
 * errorMessage starts with (functions/refresher/function-error.ts), from which the exit code is
 * derived; undefined when Lambda itself failed the invoke (Runtime.*, Sandbox.Timedout).
 */
export class RefresherFunctionError extends CodedError<'REFRESHER_FUNCTION_FAILED'> {
  override readonly name = 'RefresherFunctionError';
  readonly code = 'REFRESHER_FUNCTION_FAILED' as const;
  readonly errorType: string;
  readonly functionErrorCode?: string;
  /** After an Unauthorized answer: the stack's egress addresses, for the hint (cli/unauthorized-hint.ts). */
  egress?: EgressFinding;

  constructor(functionName: string, errorType: string, errorMessage: string) {
    const functionErrorCode = codeOfFunctionErrorMessage(errorMessage);
    super(`the refresher function "${functionName}" failed with ${errorType}: ${errorMessage}`, {
      details: { functionName, errorType, functionErrorCode },
    });
    this.errorType = errorType;
    if (functionErrorCode !== undefined) this.functionErrorCode = functionErrorCode;
  }
}

/** The token states `status` reports, named as everywhere else (functions/token). */
export type TokenHealthCode = TokenStateCode;

/** The next step for any unhealthy token: run the refresher now, and read why it failed. */
const FORCE_REFRESH_ADVICE = 'force a refresh with `npm run refresh -- --force` and read its error';

/**
 * `status` found the stored token unhealthy. The message says what and since when (never the
 * token), then the next step.
 */
export class TokenHealthError extends CodedError<TokenHealthCode> {
  override readonly name = 'TokenHealthError';
  readonly code: TokenHealthCode;

  constructor(code: TokenHealthCode, finding: string) {
    super(`${finding}; ${FORCE_REFRESH_ADVICE}`);
    this.code = code;
  }
}
