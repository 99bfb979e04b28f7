import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  InvokeCommand,
  type InvokeCommandOutput,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_STACK_NAME } from '../../cli/aws.js';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { runCli } from './cli-harness.js';

const lambda = mockClient(LambdaClient);
const cloudFormation = mockClient(CloudFormationClient);
const NOW = new Date('2026-11-25T10:00:00Z');
const clock = () => NOW;
const SUMMARY = {
  refreshed: true,
  reason: 'forced',
  expiresAt: '2026-11-25T20:00:00.000Z',
  refreshAt: '2026-11-25T18:00:00.000Z',
  parameterVersion: 7,
};

// The SDK wraps payloads in a blob adapter; the CLI only reads the bytes.
const payload = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value))) as InvokeCommandOutput['Payload'];
const stackWith = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: DEFAULT_STACK_NAME,
      CreationTime: NOW,
      StackStatus: 'CREATE_COMPLETE' as const,
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

beforeEach(() => {
  lambda.reset();
  cloudFormation.reset();
  vi.stubEnv('AWS_REGION', 'ap-southeast-3');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  cloudFormation
    .on(DescribeStacksCommand, { StackName: DEFAULT_STACK_NAME })
    .resolves(stackWith({ FunctionName: 'FaspayTokenRefresher-Fn-abc123', TokenParameterName: '/faspay/sendme/access-token' }));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Command: refresh', () => {
  it('finds the function from the stack outputs, invokes it synchronously with {"force": true} and prints the summary', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(SUMMARY) });

    const run = await runCli(['refresh', '--force'], { clock });

    expect(run.code).toBe(EXIT_CODES.ok);
    expect(cloudFormation).toReceiveCommandWith(DescribeStacksCommand, { StackName: 'FaspayTokenRefresher' });
    expect(lambda).toReceiveCommandTimes(InvokeCommand, 1);
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input.FunctionName).toBe('FaspayTokenRefresher-Fn-abc123');
    expect(input.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString())).toEqual({ force: true });
    expect(run.stdout).toBe(
      [
        '  function       FaspayTokenRefresher-Fn-abc123 (output FunctionName of stack FaspayTokenRefresher)',
        '  request        {"force":true}',
        '  result         refreshed (reason: forced)',
        '  version        7',
        '  refresh at     2026-11-25T18:00:00.000Z (in 8h 0m)',
        '  expires        2026-11-25T20:00:00.000Z (in 10h 0m)',
        '',
      ].join('\n'),
    );
  });

  it('without --force sends {"force": false} and says when the token was fresh', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ ...SUMMARY, refreshed: false, reason: 'fresh' }) });

    const run = await runCli(['refresh', '--function', 'my-refresher'], { clock });

    expect(run.code).toBe(0);
    expect(cloudFormation).not.toReceiveCommand(DescribeStacksCommand);
    expect(JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array).toString())).toEqual({
      force: false,
    });
    expect(run.stdout).toContain('not refreshed: the stored token is fresh (add --force to replace it anyway)');
  });

  it.each([
    ['joined', { reason: 'joined', joinedAnotherRun: true }],
    ['in-flight (its time ran out)', { reason: 'in-flight', joinedAnotherRun: true }],
    ['joined, from a function without joinedAnotherRun', { reason: 'joined' }],
  ])('a force that stored no token of its own (%s) says so and exits forceJoined', async (_name, fields) => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ ...SUMMARY, refreshed: false, ...fields }) });

    const run = await runCli(['refresh', '--force', '--function', 'my-refresher'], { clock });

    expect(run.code).toBe(EXIT_CODES.forceJoined);
    expect(run.stdout).toContain(`not refreshed (${fields.reason}): another refresh`);
    expect(run.stdout).toContain('note           this force stored no token of its own: it waited for another run.');
  });

  it('a force that joined exits forceJoined with --json too, the field in its summary', async () => {
    const joined = { ...SUMMARY, refreshed: false, reason: 'joined', joinedAnotherRun: true };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(joined) });

    const run = await runCli(['refresh', '--force', '--function', 'my-refresher', '--json'], { clock });

    expect(run.code).toBe(EXIT_CODES.forceJoined);
    expect(run.json()).toEqual({ ok: true, functionName: 'my-refresher', force: true, summary: joined });
  });

  it('--json prints the summary as one object', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(SUMMARY) });

    const run = await runCli(['refresh', '--force', '--stack', DEFAULT_STACK_NAME, '--json'], { clock });

    expect(run.json()).toEqual({ ok: true, functionName: 'FaspayTokenRefresher-Fn-abc123', force: true, summary: SUMMARY });
  });

  it.each([
    // The function's errorMessage leads with its stable code (functions/refresher/function-error.ts).
    ['FaspayError', 'FASPAY_UNAUTHORIZED: Faspay refused the token request: status 9 Unauthorized', EXIT_CODES.faspay],
    ['TimeBudgetError', 'TIME_BUDGET_EXHAUSTED: too little time left in this invocation to request a token', EXIT_CODES.faspay],
    ['CredentialsInvalidError', 'CREDENTIALS_INVALID: the credentials secret "x" has invalid keys (missing: iv)', EXIT_CODES.configuration],
    ['ConfigError', 'CONFIG_INVALID: environment variable FASPAY_BASE_URL is required but not set', EXIT_CODES.configuration],
    ['AwsAdapterError', 'PARAMETER_WRITE_FAILED: cannot write the token parameter "/x": AccessDeniedException', EXIT_CODES.aws],
    ['EventError', 'EVENT_INVALID: unknown event keys: forse', EXIT_CODES.usage],
    ['Sandbox.Timedout', 'Task timed out after 30.00 seconds', EXIT_CODES.aws],
  ])('a function that failed with %s exits %#, showing errorType and errorMessage', async (errorType, errorMessage, code) => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType, errorMessage, trace: ['at secretStack (/var/task/index.mjs:1:1)'] }),
    });

    const run = await runCli(['refresh', '--force'], { clock });

    expect(run.code).toBe(code);
    expect(run.stderr).toContain(`the refresher function "FaspayTokenRefresher-Fn-abc123" failed with ${errorType}: ${errorMessage}`);
    expect(run.stderr).not.toContain('/var/task');
  });

  it('an emulator that cannot run the code (moto: a plain-text payload) is shown as such, with the way to a first token', async () => {
    // GIVEN moto's answer to an invoke when it has no Docker: FunctionError "Handled" and plain text
    const text =
      "error running docker: Error while fetching server API version: ('Connection aborted.', FileNotFoundError(2, 'No such file or directory'))";
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Handled',
      Payload: new Uint8Array(Buffer.from(text)) as InvokeCommandOutput['Payload'],
    });

    // WHEN
    const run = await runCli(['refresh', '--force'], { clock });

    // THEN the cause is shown, on one line, and the hint names the command that works against moto
    expect(run.code).toBe(EXIT_CODES.aws);
    expect(run.stderr).toContain('failed with Handled: error running docker: Error while fetching server API version');
    expect(run.stderr).toMatch(
      /\nhint: .*cannot run the function's code.*npm start -- --aws --faspay-url URL --secret-id ID --parameter-name NAME/,
    );
  });

  it('a failure without a message says where to look, and a long one is cut to one short line', async () => {
    lambda
      .on(InvokeCommand)
      .resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'Runtime.ExitError' }) })
      .resolvesOnce({
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: payload({ errorType: 'FaspayError', errorMessage: `line one\nline two ${'x'.repeat(1000)}` }),
      });

    const silent = await runCli(['refresh'], { clock });
    const long = await runCli(['refresh'], { clock });

    expect(silent.stderr).toContain("failed with Runtime.ExitError: the answer carries no error message (read the function's logs)");
    expect(silent.stderr).toContain('hint: the function crashed before answering');
    const firstLine = long.stderr.split('\n')[0]!;
    expect(firstLine).toContain('FaspayError: line one line two xxx');
    expect(firstLine.length).toBeLessThan(500);
    expect(long.stderr).toContain(
      'hint: Faspay refused or failed: check the credential set with npm start -- --faspay-url URL --credentials FILE',
    );
  });

  it('a function whose secret was never filled points at the credentials command', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'CredentialsInvalidError',
        errorMessage: 'CREDENTIALS_INVALID: the credentials secret "x" has invalid keys (empty: iv)',
      }),
    });

    const run = await runCli(['refresh', '--force'], { clock });

    expect(run.code).toBe(EXIT_CODES.configuration);
    expect(run.stderr).toContain(
      'hint: the secret is missing keys or still holds the placeholders of a first deploy: fill it with npm run cli -- credentials',
    );
  });

  it('--json shows the function error with its type', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'FaspayError', errorMessage: 'FASPAY_TIMEOUT: Faspay timed out' }),
    });

    const run = await runCli(['refresh', '--json'], { clock });

    expect(run.code).toBe(4);
    expect(run.json()).toMatchObject({
      ok: false,
      exitCode: 4,
      error: {
        code: 'REFRESHER_FUNCTION_FAILED',
        details: { functionName: 'FaspayTokenRefresher-Fn-abc123', errorType: 'FaspayError', functionErrorCode: 'FASPAY_TIMEOUT' },
      },
    });
  });

  it('a function that answers something else is not taken for a summary', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ statusCode: 200, body: 'hello' }) });

    const run = await runCli(['refresh'], { clock });

    expect(run.code).toBe(EXIT_CODES.aws);
    expect(run.stderr).toContain('is not a refresh summary: is it the refresher?');
  });

  it.each([
    [
      new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }),
      3,
      /FUNCTION_NOT_FOUND.*no function "FaspayTokenRefresher-Fn-abc123"/,
    ],
    [new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }), 5, /is busy \(probably a scheduled run/],
    [Object.assign(new Error('denied'), { name: 'AccessDeniedException' }), 5, /access denied \(AccessDeniedException\)/],
  ])('an invoke that fails (%s) exits %i with what to check', async (error, code, message) => {
    lambda.on(InvokeCommand).rejects(error);

    const run = await runCli(['refresh', '--force'], { clock });

    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it('a stack without the FunctionName output asks for --function', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Other' }).resolves(stackWith({ Foo: 'bar' }));

    const run = await runCli(['refresh', '--stack', 'Other'], { clock });

    expect(run.code).toBe(EXIT_CODES.configuration);
    expect(run.stderr).toContain('stack "Other" has no output "FunctionName": is it this project\'s stack? Or pass --function NAME');
    expect(lambda).not.toReceiveCommand(InvokeCommand);
  });

  it('a missing stack names it and the way out', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Gone' })
      .rejects(Object.assign(new Error('Stack with id Gone does not exist'), { name: 'ValidationError' }));

    const run = await runCli(['refresh', '--stack', 'Gone'], { clock });

    expect(run.code).toBe(EXIT_CODES.configuration);
    expect(run.stderr).toMatch(/STACK_NOT_FOUND.*no stack named "Gone".*pass --stack NAME \(and --region\)/);
  });

  it.each([
    [['--function'], /option --function needs a value/],
    [['--force', 'yes'], /unexpected argument "yes"/],
    [['--dry-run'], /unknown option --dry-run \(see: refresh --help\)/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const run = await runCli(['refresh', ...argv]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toMatch(message);
    expect(lambda).not.toReceiveCommand(InvokeCommand);
  });

  it('--help documents the forced refresh', async () => {
    const run = await runCli(['refresh', '--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('npm run refresh -- --force');
  });
});
