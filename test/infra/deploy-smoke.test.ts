import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { type FunctionConfiguration, GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EGRESS_ADDRESSES_OUTPUT, parseEgressAddresses } from '../../functions/contracts/stack-outputs.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { getS3Object, run, sha256Base64, unzip } from './deploy-support.js';

/*
 * The real CLI deploys the real app to moto_server, then the deployed code is fetched back and run
 * in Node with the deployed configuration, against moto and the simulator. The app is deployed with
 * its fixed egress (-c fixedEgress=true): moto creates the VPC, subnets, NAT gateway and Elastic IP and
 * keeps the functions' VpcConfig (the default stack without a VPC is deployed by docs/walkthrough).
 *
 * moto specifics (not the app's): it keeps no stack outputs when a change set is executed, so the
 * deploy uses `--method=direct`; its CloudFormation skips the Scheduler schedule, the alarms, the
 * EventInvokeConfig, the queue/topic policies and AWS::SecretsManager::Secret (so the secret is
 * created with the SDK and imported with -c credentialsSecretName, the bring-your-own-secret path);
 * it serves no code at GetFunction's Code.Location, whose key names the asset in the bootstrap
 * bucket; it reports every function as x86_64. The template tests cover what moto skips.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
const STACK = 'FaspayTokenRefresherSmoke';
const SECRET_NAME = 'faspay/sendme/credentials';
const ACCOUNT = '123456789012';

interface Deployed {
  readonly configuration: FunctionConfiguration;
  /** The unzipped deployment package. */
  readonly codeDir: string;
}

interface Invocation {
  readonly result?: Record<string, unknown>;
  readonly errorCode?: string;
  readonly output: string;
}

describe('cdk deploy against moto_server, then the deployed function run with its deployed configuration', () => {
  let moto: MotoServer;
  let simulator: RunningSimulator;
  let workdir: string;
  let outputs: Record<string, string>;
  let refresher: Deployed;
  let consumer: Deployed;
  let ssm: SSMClient;
  /** The stack's resources as moto created them. */
  let resources: StackResourceSummary[];
  const physicalIds = (type: string, logicalIdPrefix: string): string[] =>
    resources
      .filter((r) => r.ResourceType === type && r.LogicalResourceId!.startsWith(logicalIdPrefix))
      .map((r) => r.PhysicalResourceId!)
      .sort();

  beforeAll(async () => {
    moto = await startMoto();
    simulator = await startSimulator();
    workdir = mkdtempSync(join(tmpdir(), 'faspay-deploy-'));
    const region = moto.clientConfig.region;
    const cliEnv = {
      PATH: process.env.PATH ?? '',
      HOME: workdir,
      ...moto.env,
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      CI: 'true',
    };

    // GIVEN a bootstrapped environment and the credentials secret put with the SDK
    await run(CDK, ['bootstrap', `aws://${ACCOUNT}/${region}`, '--no-notices', '-o', join(workdir, 'bootstrap.out')], {
      cwd: ROOT,
      env: cliEnv,
      timeoutMs: 120_000,
    });
    await new SecretsManagerClient(moto.clientConfig).send(
      new CreateSecretCommand({ Name: SECRET_NAME, SecretString: JSON.stringify(DEMO_CREDENTIALS) }),
    );

    // WHEN the app is deployed with the real CLI, pointed at the simulator
    await run(
      CDK,
      [
        'deploy',
        '--require-approval',
        'never',
        '--no-notices',
        '--method=direct',
        '-o',
        join(workdir, 'cdk.out'),
        '-c',
        `stackName=${STACK}`,
        '-c',
        `faspayBaseUrl=${simulator.url}`,
        '-c',
        `credentialsSecretName=${SECRET_NAME}`,
        '-c',
        'alarmEmail=ops@example.com',
        '-c',
        'deployExampleConsumer=true',
        // The fixed egress (VPC, NAT gateway, retained Elastic IP): the function runs in its private subnets.
        '-c',
        'fixedEgress=true',
      ],
      { cwd: ROOT, env: cliEnv, timeoutMs: 240_000 },
    );

    // THEN its outputs, configuration and code can be read back
    const cfn = new CloudFormationClient(moto.clientConfig);
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks![0]!;
    outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
    resources = (await cfn.send(new ListStackResourcesCommand({ StackName: STACK }))).StackResourceSummaries ?? [];
    const lambda = new LambdaClient(moto.clientConfig);
    const bootstrap = await cfn.send(new ListStackResourcesCommand({ StackName: 'CDKToolkit' }));
    const bucket = bootstrap.StackResourceSummaries!.find((r) => r.LogicalResourceId === 'StagingBucket')!.PhysicalResourceId!;
    const fetchDeployed = async (functionName: string): Promise<Deployed> => {
      const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
      // moto serves nothing at Code.Location; its path is the asset's key in the bootstrap bucket.
      const assetKey = new URL(fn.Code!.Location!).pathname.slice(1);
      const zip = await getS3Object(moto.endpoint, bucket, assetKey, { region, ...moto.clientConfig.credentials });
      expect(sha256Base64(zip)).toBe(configuration.CodeSha256);
      const codeDir = join(workdir, functionName);
      mkdirSync(codeDir);
      for (const [name, data] of unzip(zip)) writeFileSync(join(codeDir, name), data);
      return { configuration, codeDir };
    };
    refresher = await fetchDeployed(outputs.FunctionName!);
    consumer = await fetchDeployed(outputs.ExampleConsumerFunctionName!);
    ssm = new SSMClient(moto.clientConfig);
  }, 420_000);

  afterAll(async () => {
    await simulator?.close();
    await moto?.stop();
    if (workdir !== undefined) rmSync(workdir, { recursive: true, force: true });
  });

  /** Runs the deployed handler in a fresh Node process with only the deployed environment and moto's. */
  async function invoke(event: unknown, { configuration, codeDir }: Deployed = refresher): Promise<Invocation> {
    const script = `
      import { randomUUID } from 'node:crypto';
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(codeDir, 'index.mjs')).href)});
      const deadline = Date.now() + Number(process.env.SMOKE_TIMEOUT_MS);
      const context = {
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
        invokedFunctionArn: process.env.SMOKE_FUNCTION_ARN, memoryLimitInMB: '256', awsRequestId: randomUUID(),
        logGroupName: 'smoke', logStreamName: 'smoke', callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => deadline - Date.now(),
      };
      try { console.log('SMOKE_RESULT ' + JSON.stringify(await handler(JSON.parse(process.env.SMOKE_EVENT), context))); }
      catch (error) { console.log('SMOKE_ERROR ' + error.code); }`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: codeDir,
      env: {
        PATH: process.env.PATH ?? '',
        ...configuration.Environment!.Variables,
        ...moto.env,
        AWS_LAMBDA_FUNCTION_NAME: configuration.FunctionName!,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(configuration.MemorySize),
        SMOKE_FUNCTION_ARN: configuration.FunctionArn!,
        SMOKE_TIMEOUT_MS: String(configuration.Timeout! * 1000),
        SMOKE_EVENT: JSON.stringify(event),
      },
      timeoutMs: configuration.Timeout! * 1000,
    });
    const output = stdout + stderr;
    const result = /^SMOKE_RESULT (.*)$/m.exec(stdout)?.[1];
    const errorCode = /^SMOKE_ERROR (.*)$/m.exec(stdout)?.[1];
    return { ...(result === undefined ? {} : { result: JSON.parse(result) }), ...(errorCode === undefined ? {} : { errorCode }), output };
  }

  it("outputs the nine values under their stable keys and the construct's record for the CLI, with a one-slash parameter ARN", () => {
    const records = Object.keys(outputs).filter((key) => /^RefresherCliRecord[0-9A-F]{8}$/.test(key));
    expect(records).toHaveLength(1);
    expect(JSON.parse(outputs[records[0]!]!)).toMatchObject({
      functionName: outputs.FunctionName,
      tokenParameterName: outputs.TokenParameterName,
    });
    expect(
      Object.keys(outputs)
        .filter((key) => !records.includes(key))
        .sort(),
    ).toEqual(
      [
        'AlarmTopicArn',
        'CredentialsSecretArn',
        'DashboardUrl',
        EGRESS_ADDRESSES_OUTPUT,
        'ExampleConsumerFunctionName',
        'FunctionArn',
        'FunctionName',
        'TokenParameterArn',
        'TokenParameterName',
      ].sort(),
    );
    expect(outputs.TokenParameterName).toBe('/faspay/sendme/access-token');
    expect(outputs.TokenParameterArn).toBe(`arn:aws:ssm:${moto.clientConfig.region}:${ACCOUNT}:parameter/faspay/sendme/access-token`);
    expect(outputs.FunctionArn).toBe(refresher.configuration.FunctionArn);
  });

  it('outputs the Elastic IP of the NAT gateway as the address to whitelist', () => {
    const addresses = parseEgressAddresses(outputs[EGRESS_ADDRESSES_OUTPUT]!);
    expect(addresses).toHaveLength(1);
    expect(addresses[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // An EIP's physical id is its address.
    expect(physicalIds('AWS::EC2::EIP', 'EgressVpcPublicSubnet1EIP')).toEqual(addresses);
    expect(physicalIds('AWS::EC2::NatGateway', 'EgressVpcPublicSubnet1NATGateway')).toHaveLength(1);
  });

  it('runs the function in the private subnets of the egress VPC, with its own security group', () => {
    const vpcConfig = refresher.configuration.VpcConfig!;
    expect([...vpcConfig.SubnetIds!].sort()).toEqual(physicalIds('AWS::EC2::Subnet', 'EgressVpcPrivateSubnet'));
    expect(physicalIds('AWS::EC2::Subnet', 'EgressVpcPrivateSubnet')).toHaveLength(2);
    expect(vpcConfig.SecurityGroupIds).toEqual(physicalIds('AWS::EC2::SecurityGroup', 'RefresherSecurityGroup'));
    // (moto reports a constant VpcId in VpcConfig, so the VPC is checked through its subnets above.)
    expect(physicalIds('AWS::EC2::VPC', 'EgressVpc')).toHaveLength(1);
  });

  it('deployed the function with the configured runtime, handler, timeout, memory and environment', () => {
    const { configuration } = refresher;
    expect(configuration).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 60, MemorySize: 256 });
    expect(configuration.Environment!.Variables).toMatchObject({
      FASPAY_BASE_URL: simulator.url,
      FASPAY_CREDENTIALS_SECRET_ID: SECRET_NAME,
      TOKEN_PARAMETER_NAME: '/faspay/sendme/access-token',
      POWERTOOLS_METRICS_NAMESPACE: 'FaspaySendMe',
    });
    expect(JSON.stringify(configuration.Environment)).not.toContain(DEMO_CREDENTIALS.faspay_secret);
  });

  it('refreshes on the first scheduled run and publishes the token as a SecureString', async () => {
    // WHEN
    const first = await invoke({ trigger: 'schedule', scheduledTime: new Date().toISOString(), executionId: 'smoke-1' });
    // THEN
    expect(first.errorCode, first.output).toBeUndefined();
    expect(first.result).toMatchObject({ refreshed: true });
    expect(simulator.issuedTokens()).toBe(1);
    const parameter = (await ssm.send(new GetParameterCommand({ Name: outputs.TokenParameterName, WithDecryption: true }))).Parameter!;
    expect(parameter.Type).toBe('SecureString');
    const document = JSON.parse(parameter.Value!) as Record<string, string>;
    expect(Object.keys(document).sort()).toEqual(['accessToken', 'expiresAt', 'issuedAt', 'refreshAt']);
    expect(document.accessToken!.length).toBeGreaterThan(0);
    expect(Date.parse(document.expiresAt!)).toBeGreaterThan(Date.parse(document.refreshAt!));
    expect(JSON.stringify(first.result)).not.toContain(document.accessToken);
    expect(first.output).not.toContain(document.accessToken);
  }, 60_000);

  it('skips the next scheduled run while the token is fresh, and refreshes again on {"force": true}', async () => {
    const second = await invoke({ trigger: 'schedule', scheduledTime: new Date().toISOString(), executionId: 'smoke-2' });
    expect(second.result, second.output).toMatchObject({ refreshed: false });
    expect(simulator.issuedTokens()).toBe(1);

    const forced = await invoke({ force: true });
    expect(forced.result, forced.output).toMatchObject({ refreshed: true });
    expect(simulator.issuedTokens()).toBe(2);
  }, 60_000);

  it('lets the deployed example consumer read the published token and make a signed balance inquiry', async () => {
    // GIVEN the token published by the runs above
    // WHEN the consumer runs with its deployed configuration
    const inquiry = await invoke({}, consumer);
    // THEN
    expect(inquiry.errorCode, inquiry.output).toBeUndefined();
    expect(inquiry.result).toMatchObject({ ok: true, httpStatus: 200, balanceReceived: true });
  }, 60_000);
});
