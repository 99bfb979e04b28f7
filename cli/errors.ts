import { CodedError } from '../functions/shared/coded-error.js';

/** The command line itself is wrong: unknown flag, missing value, bad number. Names the flag. */
export class UsageError extends CodedError<'USAGE_INVALID'> {
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
  readonly code: CliSetupErrorCode;

  constructor(code: CliSetupErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** An AWS call made by the CLI failed (network, denied, throttled). Carries the AWS error name only. */
export class AwsCallError extends CodedError<'AWS_REQUEST_FAILED'> {
  readonly code = 'AWS_REQUEST_FAILED' as const;

  constructor(message: string, awsErrorName: string) {
    super(message, { details: { awsErrorName } });
  }
}

/**
 * The deployed refresher function ran and failed. `errorType` is the class name Lambda reports
 * (FaspayError, CredentialsInvalidError, ...), which the exit code is derived from.
 */
export class RefresherFunctionError extends CodedError<'REFRESHER_FUNCTION_FAILED'> {
  readonly code = 'REFRESHER_FUNCTION_FAILED' as const;
  readonly errorType: string;

  constructor(functionName: string, errorType: string, errorMessage: string) {
    super(`the refresher function "${functionName}" failed with ${errorType}: ${errorMessage}`, {
      details: { functionName, errorType },
    });
    this.errorType = errorType;
  }
}

export type TokenHealthCode = 'TOKEN_STALE' | 'TOKEN_EXPIRED' | 'TOKEN_MISSING' | 'TOKEN_INVALID';

/** `status` found the stored token unhealthy. The message says what and since when, never the token. */
export class TokenHealthError extends CodedError<TokenHealthCode> {
  readonly code: TokenHealthCode;

  constructor(code: TokenHealthCode, message: string) {
    super(message);
    this.code = code;
  }
}
