import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_STACK_NAME } from '../../cli/aws.js';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { EGRESS_ADDRESSES_OUTPUT } from '../../functions/contracts/stack-outputs.js';
import { runCli } from './cli-harness.js';

const lambda = mockClient(LambdaClient);
const cloudFormation = mockClient(CloudFormationClient);
const FUNCTION_NAME = 'FaspayTokenRefresher-Fn-abc123';

const stackWith = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: DEFAULT_STACK_NAME,
      CreationTime: new Date('2026-11-25T10:00:00Z'),
      StackStatus: 'CREATE_COMPLETE' as const,
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

/** The deployed function's answer when Faspay refused its token request. */
const unauthorized = {
  StatusCode: 200,
  FunctionError: 'Unhandled',
  Payload: new Uint8Array(
    Buffer.from(JSON.stringify({ errorType: 'FaspayError', errorMessage: 'FASPAY_UNAUTHORIZED: Faspay answered Unauthorized (HTTP 401)' })),
  ) as InvokeCommandOutput['Payload'],
};

/** The hint's three causes, in the order an operator should check them. */
function causesInOrder(hint: string): number[] {
  return ['(1) the credentials', '(2) the signed path', '(3) the egress address'].map((cause) => hint.indexOf(cause));
}

beforeEach(() => {
  lambda.reset();
  cloudFormation.reset();
  vi.stubEnv('AWS_REGION', 'ap-southeast-3');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  lambda.on(InvokeCommand).resolves(unauthorized);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('refresh answered Unauthorized: the hint', () => {
  it('names credentials, signed path (the probe) and egress, in order, with the addresses the stack lists', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(stackWith({ FunctionName: FUNCTION_NAME, [EGRESS_ADDRESSES_OUTPUT]: '203.0.113.10, 203.0.113.11' }));

    const run = await runCli(['refresh', '--force']);

    expect(run.code).toBe(EXIT_CODES.faspay);
    const hint = run.stderr.split('\n').find((line) => line.startsWith('hint: '))!;
    const positions = causesInOrder(hint);
    expect(positions.every((position) => position > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(hint).toContain('npm run cli -- probe --faspay-url URL --credentials FILE');
    expect(hint).toContain(
      `the function calls from 203.0.113.10, 203.0.113.11 (output ${EGRESS_ADDRESSES_OUTPUT} of stack ${DEFAULT_STACK_NAME})`,
    );
  });

  it('says when the stack has no fixed egress, and --json carries the same hint', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith({ FunctionName: FUNCTION_NAME }));

    const run = await runCli(['refresh', '--force', '--json']);

    expect(run.code).toBe(EXIT_CODES.faspay);
    const hint = (run.json().error as { hint: string }).hint;
    expect(causesInOrder(hint).every((position) => position > 0)).toBe(true);
    expect(hint).toContain(
      `stack ${DEFAULT_STACK_NAME} has no ${EGRESS_ADDRESSES_OUTPUT} output, so the function calls from addresses that change`,
    );
  });

  it('with --function and no --stack, reads no stack and says where the addresses are', async () => {
    const run = await runCli(['refresh', '--function', FUNCTION_NAME]);

    expect(run.code).toBe(EXIT_CODES.faspay);
    expect(cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(run.stderr).toContain(
      `the stack output ${EGRESS_ADDRESSES_OUTPUT} lists the addresses to whitelist (pass --stack NAME to show them here)`,
    );
  });

  it('a stack that cannot be read a second time still leaves the Unauthorized error and its hint', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .resolvesOnce(stackWith({ FunctionName: FUNCTION_NAME }))
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    const run = await runCli(['refresh', '--force']);

    expect(run.code).toBe(EXIT_CODES.faspay);
    expect(run.stderr).toMatch(/^error \(REFRESHER_FUNCTION_FAILED, exit 4\): .*FASPAY_UNAUTHORIZED/);
    expect(run.stderr).toContain('(pass --stack NAME to show them here)');
  });

  it('other Faspay failures keep their own hint and read no egress', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(stackWith({ FunctionName: FUNCTION_NAME, [EGRESS_ADDRESSES_OUTPUT]: '203.0.113.10' }));
    lambda.on(InvokeCommand).resolves({
      ...unauthorized,
      Payload: new Uint8Array(
        Buffer.from(JSON.stringify({ errorType: 'FaspayError', errorMessage: 'FASPAY_TIMEOUT: Faspay did not answer within 8000 ms' })),
      ) as InvokeCommandOutput['Payload'],
    });

    const run = await runCli(['refresh', '--force']);

    expect(run.stderr).toContain('hint: Faspay refused or failed');
    expect(run.stderr).not.toContain('203.0.113.10');
    expect(cloudFormation).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
  });
});
