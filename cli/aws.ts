import { CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { AwsAdapterError, awsErrorName, NETWORK_ERROR_CODES } from '../functions/adapters/errors.js';
import type { CodedError } from '../functions/shared/coded-error.js';
import { AwsCallError, CliSetupError } from './errors.js';

/**
 * Stack name `cdk deploy` uses unless `-c stackName=...` is given (infra/stack-config.ts; a test
 * keeps the two equal without loading aws-cdk-lib into the CLI).
 */
export const DEFAULT_STACK_NAME = 'FaspayTokenRefresher';

/**
 * Options of the commands that call AWS: the stack whose outputs name what to use, the refresher
 * among several in it (cli/refresher-lookup.ts), and the region.
 */
export const AWS_OPTIONS = {
  stack: { type: 'string' },
  refresher: { type: 'string' },
  region: { type: 'string' },
} as const;

/** What the CLI needs of an SDK client: its resolvable region and credentials, and `destroy`. */
interface AwsClient {
  readonly config: { readonly region: () => Promise<string>; readonly credentials: () => Promise<unknown> };
  destroy(): void;
}

/** An SDK client class (SSMClient, LambdaClient, ...), constructed with the region only. */
export type AwsClientClass<Client extends AwsClient> = new (config: { region?: string }) => Client;

/**
 * A client for `region` (the SDK's own when undefined; it resolves the rest: credential chain,
 * AWS_ENDPOINT_URL) whose region and credentials are known to resolve. The caller destroys it.
 */
export async function openAwsClient<Client extends AwsClient>(
  ClientClass: AwsClientClass<Client>,
  region: string | undefined,
): Promise<Client> {
  const client = new ClientClass(region === undefined ? {} : { region });
  try {
    await ensureAwsReady(client);
    return client;
  } catch (error) {
    client.destroy();
    throw error;
  }
}

/** Runs `use` with a ready client for `region`, and destroys the client however `use` ends. */
export async function withAwsClient<Client extends AwsClient, Result>(
  ClientClass: AwsClientClass<Client>,
  region: string | undefined,
  use: (client: Client) => Promise<Result>,
): Promise<Result> {
  const client = await openAwsClient(ClientClass, region);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

const NO_CREDENTIALS_ADVICE =
  'set AWS_PROFILE (after `aws sso login` or `aws configure`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ' +
  'for an emulator also set AWS_ENDPOINT_URL (dummy keys are fine there)';

/**
 * Resolves the region and credentials before the first call, so that "nothing configured" is
 * reported as what to set rather than as a failed request.
 */
async function ensureAwsReady(client: AwsClient): Promise<void> {
  try {
    await client.config.region();
  } catch {
    throw new CliSetupError(
      'AWS_REGION_MISSING',
      'no AWS region is configured: pass --region, or set AWS_REGION (or a region in your AWS profile)',
    );
  }
  try {
    await client.config.credentials();
  } catch {
    throw new CliSetupError('AWS_CREDENTIALS_MISSING', `no AWS credentials were found: ${NO_CREDENTIALS_ADVICE}`);
  }
}

/**
 * Turns what an SDK call threw (or an adapter's error, which keeps only the AWS error name) into an
 * error that says what failed and what to check; never the SDK error itself.
 */
export function awsFailure(what: string, error: unknown, env: Readonly<Record<string, string | undefined>>): CodedError {
  const name = error instanceof AwsAdapterError ? error.awsErrorName : awsErrorName(error);
  if (NETWORK_ERROR_CODES.has(name)) {
    const endpoint = env.AWS_ENDPOINT_URL === undefined ? 'the AWS endpoint' : `AWS_ENDPOINT_URL (${env.AWS_ENDPOINT_URL})`;
    return new AwsCallError(`${what}: cannot reach ${endpoint} (${name}); check the network or the endpoint`, name);
  }
  if (name === 'CredentialsProviderError') {
    return new CliSetupError('AWS_CREDENTIALS_MISSING', `${what}: no AWS credentials were found: ${NO_CREDENTIALS_ADVICE}`);
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(name)) {
    return new AwsCallError(`${what}: access denied (${name}); check the identity you are using (aws sts get-caller-identity)`, name);
  }
  if (/UnrecognizedClient|InvalidClientTokenId|ExpiredToken|InvalidSignature|SignatureDoesNotMatch/.test(name)) {
    return new AwsCallError(`${what}: AWS rejected your credentials (${name}); refresh them (aws sso login) or check the profile`, name);
  }
  return new AwsCallError(`${what}: ${name}`, name);
}

/** The outputs of a deployed stack by output key, read with a CloudFormation client of its own. */
export async function readStackOutputsByKey(
  stackName: string,
  region: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, string>> {
  return withAwsClient(CloudFormationClient, region, (cloudFormation) => readStackOutputs(cloudFormation, stackName, env));
}

/** The outputs of a deployed stack, by output key. */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, string>> {
  let answer: DescribeStacksCommandOutput;
  try {
    answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    // CloudFormation says ValidationError "Stack with id X does not exist" for a missing stack.
    if (awsErrorName(error) === 'ValidationError' && /does not exist/.test(error instanceof Error ? error.message : '')) {
      throw new CliSetupError(
        'STACK_NOT_FOUND',
        `no stack named "${stackName}" in this account and region: pass --stack NAME (and --region), or name the resource directly`,
      );
    }
    throw awsFailure(`cannot read the outputs of stack "${stackName}"`, error, env);
  }
  const outputs: Record<string, string> = {};
  for (const output of answer.Stacks?.[0]?.Outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return outputs;
}
