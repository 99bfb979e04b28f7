import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EGRESS_ADDRESSES_OUTPUT, parseEgressAddresses } from '../../functions/contracts/stack-outputs.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { runDeployedHandler } from './deploy-run.js';
import { type DeployedFunction, fetchDeployedFunction, run } from './deploy-support.js';

/*
 * The standalone stack with -c fixedEgress=true deployed to moto_server with the real CLI: moto
 * creates the VPC, subnets, NAT gateway and Elastic IP, and keeps the function's VpcConfig. The
 * deployed code is then run in Node with its deployed configuration (moto cannot run it), to show
 * it still refreshes. moto specifics are those of deploy-smoke.test.ts (--method=direct, the secret
 * put with the SDK).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
const STACK = 'FaspayTokenRefresherEgress';
const SECRET_NAME = 'faspay/sendme/egress';
const ACCOUNT = '123456789012';

describe('the standalone stack with a fixed egress, deployed to moto_server', () => {
  let moto: MotoServer;
  let simulator: RunningSimulator;
  let workdir: string;
  let outputs: Record<string, string>;
  let refresher: DeployedFunction;
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
    workdir = mkdtempSync(join(tmpdir(), 'faspay-deploy-egress-'));
    const cliEnv = {
      PATH: process.env.PATH ?? '',
      HOME: workdir,
      ...moto.env,
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      CI: 'true',
    };
    const cdk = (args: string[]) => run(CDK, [...args, '--no-notices'], { cwd: ROOT, env: cliEnv, timeoutMs: 240_000 });
    // GIVEN a bootstrapped environment and the credentials secret
    await cdk(['bootstrap', `aws://${ACCOUNT}/${moto.clientConfig.region}`, '-o', join(workdir, 'bootstrap.out')]);
    await new SecretsManagerClient(moto.clientConfig).send(
      new CreateSecretCommand({ Name: SECRET_NAME, SecretString: JSON.stringify(DEMO_CREDENTIALS) }),
    );
    // WHEN the stack is deployed with a fixed egress
    await cdk([
      'deploy',
      '--require-approval',
      'never',
      '--method=direct',
      '-o',
      join(workdir, 'cdk.out'),
      ...['-c', `stackName=${STACK}`, '-c', `faspayBaseUrl=${simulator.url}`, '-c', `credentialsSecretName=${SECRET_NAME}`],
      ...['-c', 'fixedEgress=true'],
    ]);
    const cfn = new CloudFormationClient(moto.clientConfig);
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks![0]!;
    outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
    resources = (await cfn.send(new ListStackResourcesCommand({ StackName: STACK }))).StackResourceSummaries ?? [];
    refresher = await fetchDeployedFunction(moto, outputs.FunctionName!, workdir);
  }, 420_000);

  afterAll(async () => {
    await simulator?.close();
    await moto?.stop();
    if (workdir !== undefined) rmSync(workdir, { recursive: true, force: true });
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

  it('still refreshes with its deployed configuration', async () => {
    const first = await runDeployedHandler(refresher, { force: true }, moto.env);
    expect(first.errorCode, first.output).toBeUndefined();
    expect(first.result).toMatchObject({ refreshed: true });
    expect(simulator.issuedTokens()).toBe(1);
  }, 60_000);
});
