import { isCodedError } from '../functions/shared/coded-error.js';
import { RefresherFunctionError } from './errors.js';
import { commandLine, type Program } from './program.js';
import { unauthorizedHint } from './unauthorized-hint.js';

/** The commands hints point at, named the way `program` is started. */
function nextSteps(program: Program) {
  return {
    /** The credential check, the first thing to run when Faspay refuses (docs/operate.md). */
    credentialCheck: commandLine(program, 'local', '--faspay-url URL --credentials FILE'),
    fillSecret: `${commandLine(program, 'credentials', '--secret-id ID --credentials FILE')} (or --stack NAME)`,
    forceRefresh: commandLine(program, 'refresh', '--force'),
    tokenFromEmulator: commandLine(program, 'local', '--aws --faspay-url URL --secret-id ID --parameter-name NAME'),
  };
}

type NextSteps = ReturnType<typeof nextSteps>;

/** Next steps for the failures people meet most, keyed by error code. */
function byCode(next: NextSteps): Readonly<Record<string, string>> {
  const forceRefresh = `force a refresh with \`${next.forceRefresh}\` and read its error`;
  return {
    FASPAY_UNAUTHORIZED:
      'Faspay refused the credentials or the signature: check every key of the credential set, and that Faspay allows your IP',
    FASPAY_NETWORK: 'check the Faspay URL and that this machine can reach it',
    FASPAY_TIMEOUT: 'Faspay did not answer in time: check the URL and the network, then try again',
    CREDENTIALS_INVALID:
      'the credential set must be JSON with the string keys faspay_key, faspay_secret, app_key, app_secret, client_key, client_secret, iv',
    STACK_NOT_FOUND: 'list your stacks with: aws cloudformation list-stacks, or run npx cdk deploy first (docs/deploy.md)',
    TOKEN_STALE: forceRefresh,
    TOKEN_EXPIRED: forceRefresh,
    TOKEN_MISSING: forceRefresh,
    TOKEN_INVALID: forceRefresh,
  };
}

/** Next steps for a failed run of the deployed function, keyed by the errorType Lambda reports. */
function byFunctionErrorType(next: NextSteps): Readonly<Record<string, string>> {
  return {
    CredentialsInvalidError: `the secret is missing keys or still holds the placeholders of a first deploy: fill it with ${next.fillSecret}, then refresh again`,
    FaspayError: `Faspay refused or failed: check the credential set with ${next.credentialCheck} (docs/operate.md, "Consumers get Unauthorized")`,
    TimeBudgetError: 'the function ran out of time before Faspay answered: look at its logs, then refresh again',
    ConfigError:
      'the function is configured wrong (the message names the setting): fix the CDK context and deploy again (docs/configuration.md)',
    AwsAdapterError:
      'read the function\'s log line (docs/operate.md, "The staleness alarm fired"); check its role can read the secret and write the parameter',
    'Sandbox.Timedout': 'the function timed out: read its logs (docs/operate.md, "The staleness alarm fired")',
  };
}

/**
 * One line saying what to do next, naming commands the way `program` is started, or undefined
 * when the message already says it. Never repeats a value from the error beyond what its (safe)
 * message holds.
 */
export function hintFor(error: unknown, program: Program): string | undefined {
  const next = nextSteps(program);
  if (error instanceof RefresherFunctionError) return functionFailureHint(error, next, program);
  if (!isCodedError(error)) return undefined;
  if (error.code === 'CREDENTIALS_UNAVAILABLE' && error.details?.awsErrorName === 'ResourceNotFoundException') {
    return `the secret does not exist in this account and region: check the id and --region, or create it with ${next.fillSecret}`;
  }
  return byCode(next)[error.code];
}

function functionFailureHint(error: RefresherFunctionError, next: NextSteps, program: Program): string | undefined {
  // moto answers every invoke with "error running docker: ..." (it runs Lambda code only in Docker).
  if (/error running docker/i.test(error.message)) {
    return (
      "this Lambda endpoint cannot run the function's code (moto without Docker). Against an emulator, get the token with: " +
      `${next.tokenFromEmulator} (docs/deploy.md, the moto walkthrough)`
    );
  }
  if (error.errorType === 'AwsAdapterError' && /ResourceNotFoundException/.test(error.message)) {
    return `the function's secret or parameter does not exist: create the secret with ${next.fillSecret}, then refresh again`;
  }
  if (error.functionErrorCode === 'FASPAY_UNAUTHORIZED') return unauthorizedHint(error.egress, program);
  if (error.errorType.startsWith('Runtime.'))
    return 'the function crashed before answering: read its logs, and check the deployed bundle (npx cdk deploy)';
  return byFunctionErrorType(next)[error.errorType];
}
