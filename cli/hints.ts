import { isCodedError } from '../functions/shared/coded-error.js';
import { RefresherFunctionError } from './errors.js';
import { unauthorizedHint } from './unauthorized-hint.js';

/** The credential check, the first thing to run when Faspay refuses (docs/operate.md). */
const CREDENTIAL_CHECK = 'npm start -- --faspay-url URL --credentials FILE';
const FILL_SECRET = 'npm run cli -- credentials --secret-id ID --credentials FILE (or --stack NAME)';

/** Next steps for the failures people meet most, keyed by error code. */
const BY_CODE: Readonly<Record<string, string>> = {
  FASPAY_UNAUTHORIZED:
    'Faspay refused the credentials or the signature: check every key of the credential set, and that Faspay allows your IP',
  FASPAY_NETWORK: 'check the Faspay URL and that this machine can reach it',
  FASPAY_TIMEOUT: 'Faspay did not answer in time: check the URL and the network, then try again',
  CREDENTIALS_INVALID:
    'the credential set must be JSON with the string keys faspay_key, faspay_secret, app_key, app_secret, client_key, client_secret, iv',
  STACK_NOT_FOUND: 'list your stacks with: aws cloudformation list-stacks, or run npx cdk deploy first (docs/deploy.md)',
};

/** Next steps for a failed run of the deployed function, keyed by the errorType Lambda reports. */
const BY_FUNCTION_ERROR_TYPE: Readonly<Record<string, string>> = {
  CredentialsInvalidError: `the secret is missing keys or still holds the placeholders of a first deploy: fill it with ${FILL_SECRET}, then refresh again`,
  FaspayError: `Faspay refused or failed: check the credential set with ${CREDENTIAL_CHECK} (docs/operate.md, "Consumers get Unauthorized")`,
  TimeBudgetError: 'the function ran out of time before Faspay answered: look at its logs, then refresh again',
  ConfigError:
    'the function is configured wrong (the message names the setting): fix the CDK context and deploy again (docs/configuration.md)',
  AwsAdapterError:
    'read the function\'s log line (docs/operate.md, "The staleness alarm fired"); check its role can read the secret and write the parameter',
  'Sandbox.Timedout': 'the function timed out: read its logs (docs/operate.md, "The staleness alarm fired")',
};

/**
 * One line saying what to do next, or undefined when the message already says it. Never repeats a
 * value from the error beyond what its (safe) message holds.
 */
export function hintFor(error: unknown): string | undefined {
  if (error instanceof RefresherFunctionError) return functionFailureHint(error);
  if (!isCodedError(error)) return undefined;
  if (error.code === 'CREDENTIALS_UNAVAILABLE' && error.message.endsWith('ResourceNotFoundException')) {
    return `the secret does not exist in this account and region: check the id and --region, or create it with ${FILL_SECRET}`;
  }
  return BY_CODE[error.code];
}

function functionFailureHint(error: RefresherFunctionError): string | undefined {
  // moto answers every invoke with "error running docker: ..." (it runs Lambda code only in Docker).
  if (/error running docker/i.test(error.message)) {
    return (
      "this Lambda endpoint cannot run the function's code (moto without Docker). Against an emulator, get the token with: " +
      'npm start -- --aws --faspay-url URL --secret-id ID --parameter-name NAME (docs/deploy.md, the moto walkthrough)'
    );
  }
  if (error.errorType === 'AwsAdapterError' && /ResourceNotFoundException/.test(error.message)) {
    return `the function's secret or parameter does not exist: create the secret with ${FILL_SECRET}, then refresh again`;
  }
  if (error.functionErrorCode === 'FASPAY_UNAUTHORIZED') return unauthorizedHint(error.egress);
  if (error.errorType.startsWith('Runtime.'))
    return 'the function crashed before answering: read its logs, and check the deployed bundle (npx cdk deploy)';
  return BY_FUNCTION_ERROR_TYPE[error.errorType];
}
