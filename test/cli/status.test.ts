import { randomBytes } from 'node:crypto';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { fingerprint } from '../../cli/format.js';
import { EGRESS_ADDRESSES_OUTPUT } from '../../functions/contracts/stack-outputs.js';
import { freePort } from '../support/free-port.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';
import { findLeaks } from '../support/output-capture.js';
import { recordOutput, refresherRecord } from '../support/refresher-records.js';
import { allOutput, runCli } from './cli-harness.js';

const NAME = '/faspay/sendme/access-token';
const NOW = new Date('2026-11-25T10:00:00Z');
const clock = () => NOW;
const tokens: string[] = [];

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
  expect(tokens.length).toBeGreaterThan(3);
  expect(findLeaks(allOutput.join('\n'), tokens)).toEqual([]);
});

beforeEach(async () => {
  await resetMoto(moto);
  for (const [name, value] of Object.entries(moto.env)) vi.stubEnv(name, value);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Stores a token document whose times are `minutes` away from NOW. */
async function storeToken(times: { issued: number; refresh: number; expires: number }, name = NAME): Promise<string> {
  const accessToken = randomBytes(512).toString('base64');
  tokens.push(accessToken);
  const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
  await putValue(
    JSON.stringify({ accessToken, issuedAt: at(times.issued), expiresAt: at(times.expires), refreshAt: at(times.refresh) }),
    name,
  );
  return accessToken;
}

async function putValue(value: string, name = NAME): Promise<void> {
  await new SSMClient(moto.clientConfig).send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
}

describe('Command: status', () => {
  it('shows a healthy token by fingerprint, times, version and remaining life, and exits 0', async () => {
    const token = await storeToken({ issued: -60, refresh: 420, expires: 540 });

    const run = await runCli(['status'], { clock });

    expect(run.code).toBe(EXIT_CODES.ok);
    expect(run.stdout).toContain(`parameter      ${NAME} (default name)`);
    expect(run.stdout).toMatch(/ {17}version 1, modified \d{4}-\d\d-\d\dT[\d:]+Z \(.+\), SecureString/);
    expect(run.stdout).toContain(`token          sha256 ${fingerprint(token)}… (684 chars)`);
    expect(run.stdout).toContain('issued         2026-11-25T09:00:00Z (1h 0m ago)');
    expect(run.stdout).toContain('refresh at     2026-11-25T17:00:00Z (in 7h 0m)');
    expect(run.stdout).toContain('expires        2026-11-25T19:00:00Z (in 9h 0m)');
    expect(run.stdout).toContain('remaining      9h 0m');
    expect(run.stdout).toContain('status         HEALTHY');
  });

  it('--json gives the documented shape', async () => {
    const token = await storeToken({ issued: -60, refresh: 420, expires: 540 });

    const run = await runCli(['status', '--json'], { clock });

    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      ok: true,
      health: 'healthy',
      checkedAt: '2026-11-25T10:00:00Z',
      toleranceSeconds: 900,
      parameter: {
        name: NAME,
        nameSource: 'default',
        exists: true,
        type: 'SecureString',
        version: 1,
        lastModified: expect.stringMatching(/Z$/),
      },
      token: {
        fingerprint: fingerprint(token),
        length: 684,
        issuedAt: '2026-11-25T09:00:00Z',
        refreshAt: '2026-11-25T17:00:00Z',
        expiresAt: '2026-11-25T19:00:00Z',
        remainingSeconds: 32_400,
        overdueSeconds: 0,
      },
      exitCode: 0,
    });
  });

  it('past its refresh time within the tolerance is still healthy ("due")', async () => {
    await storeToken({ issued: -490, refresh: -10, expires: 110 });

    const run = await runCli(['status', '--json'], { clock });

    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ ok: true, health: 'due', token: { overdueSeconds: 600 } });
  });

  it.each([
    ['stale', { issued: -500, refresh: -20, expires: 100 }, [], EXIT_CODES.tokenStale, /20m 0s past its refresh time \(tolerance 15m 0s\)/],
    ['stale with a tolerance given', { issued: -500, refresh: -20, expires: 100 }, ['--tolerance', '10m'], 6, /tolerance 10m 0s/],
    ['due with a larger tolerance', { issued: -500, refresh: -20, expires: 100 }, ['--tolerance', '1h'], 0, /HEALTHY \(refresh due/],
    [
      'expired',
      { issued: -610, refresh: -130, expires: -10 },
      [],
      EXIT_CODES.tokenExpired,
      /expired at 2026-11-25T09:50:00Z \(10m 0s ago\)/,
    ],
  ])('%s: exit %#', async (_name, times, extra, code, message) => {
    await storeToken(times);

    const run = await runCli(['status', ...extra], { clock });

    expect(run.code).toBe(code);
    expect(run.stdout).toMatch(message);
    if (code !== 0) expect(run.stdout).toContain('next           force a refresh with `npm run refresh -- --force` and read its error');
  });

  it('exits 8 when the parameter does not exist, with the next step as a hint', async () => {
    const run = await runCli(['status', '--json'], { clock });

    expect(run.code).toBe(EXIT_CODES.tokenMissing);
    expect(run.json()).toMatchObject({
      ok: false,
      health: 'missing',
      parameter: { exists: false },
      error: { code: 'TOKEN_MISSING', hint: 'force a refresh with `npm run refresh -- --force` and read its error' },
      exitCode: 8,
    });
  });

  it('exits 9 when the value is not a token document, naming the field, not the value', async () => {
    await putValue(JSON.stringify({ accessToken: 'abcdefgh-not-shown', issuedAt: 'yesterday' }));

    const run = await runCli(['status'], { clock });

    expect(run.code).toBe(EXIT_CODES.tokenInvalid);
    expect(run.stdout).toContain('INVALID');
    expect(run.stdout).toContain('issuedAt is not an ISO-8601 UTC time');
    expect(run.stdout).not.toContain('abcdefgh-not-shown');
  });

  it.each([
    ['issued in 2020, expiring in 2099', '2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z', /lifetime longer than 48 h/],
    ['issued more than 5 minutes ahead', '2026-11-25T10:06:00Z', '2026-11-25T20:06:00Z', /issuedAt lies more than 5 minutes in the future/],
  ])('reports a document %s as invalid (exit 9)', async (_name, issuedAt, expiresAt, message) => {
    const accessToken = randomBytes(512).toString('base64');
    tokens.push(accessToken);
    await putValue(JSON.stringify({ accessToken, issuedAt, expiresAt, refreshAt: expiresAt }));

    const run = await runCli(['status', '--json'], { clock });

    expect(run.code).toBe(EXIT_CODES.tokenInvalid);
    expect(run.json()).toMatchObject({
      ok: false,
      health: 'invalid',
      error: { code: 'TOKEN_INVALID', message: expect.stringMatching(message) },
    });
  });

  it('warns when the parameter is a plain String rather than a SecureString', async () => {
    const accessToken = randomBytes(512).toString('base64');
    tokens.push(accessToken);
    const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
    const value = JSON.stringify({ accessToken, issuedAt: at(-60), expiresAt: at(540), refreshAt: at(420) });
    await new SSMClient(moto.clientConfig).send(new PutParameterCommand({ Name: NAME, Value: value, Type: 'String', Overwrite: true }));

    const text = await runCli(['status'], { clock });
    const json = await runCli(['status', '--json'], { clock });

    expect(text.stdout).toMatch(/warning +"\/faspay\/sendme\/access-token" is a plain String, not a SecureString/);
    expect(json.json()).toMatchObject({
      ok: true,
      parameter: { type: 'String' },
      warnings: [expect.stringMatching(/not encrypted at rest/)],
    });
  });

  it('takes the parameter name from --parameter-name, then $TOKEN_PARAMETER_NAME', async () => {
    await storeToken({ issued: -60, refresh: 420, expires: 540 }, '/team/faspay/token');

    const byFlag = await runCli(['status', '--parameter-name', '/team/faspay/token', '--json'], { clock });
    vi.stubEnv('TOKEN_PARAMETER_NAME', '/team/faspay/token');
    const byEnv = await runCli(['status', '--json'], { clock });

    expect(byFlag.json()).toMatchObject({ ok: true, parameter: { name: '/team/faspay/token', nameSource: 'flag' } });
    expect(byEnv.json()).toMatchObject({ ok: true, parameter: { name: '/team/faspay/token', nameSource: 'env' } });
  });

  it("--stack reads the parameter name from the refresher's record among the stack's outputs", async () => {
    await storeToken({ issued: -60, refresh: 420, expires: 540 }, '/stack/faspay/token');
    await createStack('MyRefresher', {
      TokenParameterName: '/not/this/one',
      TokenCliRecordAB12CD34: recordOutput(refresherRecord('MyRefresher', 'Token', { tokenParameterName: '/stack/faspay/token' })),
    });

    const run = await runCli(['status', '--stack', 'MyRefresher', '--json'], { clock });
    const text = await runCli(['status', '--stack', 'MyRefresher'], { clock });

    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      parameter: { name: '/stack/faspay/token', nameSource: 'stack', stack: 'MyRefresher', refresher: 'MyRefresher/Token' },
    });
    expect(text.stdout).toContain('parameter      /stack/faspay/token (refresher Token of stack MyRefresher)');
  });

  it('--stack shows the egress addresses Faspay must whitelist when the stack has a fixed egress', async () => {
    await storeToken({ issued: -60, refresh: 420, expires: 540 }, '/stack/faspay/token');
    await createStack('MyRefresher', {
      [EGRESS_ADDRESSES_OUTPUT]: '203.0.113.10, 203.0.113.11',
      TokenCliRecordAB12CD34: recordOutput(refresherRecord('MyRefresher', 'Token', { tokenParameterName: '/stack/faspay/token' })),
    });

    const run = await runCli(['status', '--stack', 'MyRefresher', '--json'], { clock });
    const text = await runCli(['status', '--stack', 'MyRefresher'], { clock });

    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ parameter: { egressAddresses: ['203.0.113.10', '203.0.113.11'] } });
    expect(text.stdout).toContain('egress         203.0.113.10, 203.0.113.11 (the addresses Faspay must whitelist)');
  });

  it('--refresher picks one of two refreshers of a stack by construct id, path or parameter name', async () => {
    await storeToken({ issued: -60, refresh: 420, expires: 540 }, '/payments/production/token');
    await createStack('Payments', {
      SandboxCliRecord11111111: recordOutput(refresherRecord('Payments', 'Sandbox', { tokenParameterName: '/payments/sandbox/token' })),
      TeamProductionCliRecord2222: recordOutput(
        refresherRecord('Payments', 'Production', {
          constructPath: 'Payments/Team/Production',
          tokenParameterName: '/payments/production/token',
        }),
      ),
    });

    for (const wanted of ['Production', 'Team/Production', 'Payments/Team/Production', '/payments/production/token']) {
      const run = await runCli(['status', '--stack', 'Payments', '--refresher', wanted, '--json'], { clock });
      expect(run.code, `${wanted}: ${run.stdout}`).toBe(0);
      expect(run.json()).toMatchObject({ parameter: { name: '/payments/production/token', refresher: 'Payments/Team/Production' } });
    }
    const ambiguous = await runCli(['status', '--stack', 'Payments'], { clock });
    expect(ambiguous.code).toBe(EXIT_CODES.usage);
    expect(ambiguous.stderr).toMatch(
      /REFRESHER_AMBIGUOUS.*holds 2 refreshers: Sandbox \(path Payments\/Sandbox, .*Production \(path Payments\/Team\/Production/,
    );
  });

  it.each([
    [['--stack', 'NoSuchStack'], 3, /STACK_NOT_FOUND.*no stack named "NoSuchStack"/],
    [['--stack', 'OtherStack'], 3, /REFRESHER_NOT_FOUND.*stack "OtherStack" holds no FaspayTokenRefresher.*or pass --parameter-name NAME/],
    [['--refresher', 'Token', '--parameter-name', '/a/b'], 2, /--refresher picks one of the refreshers of --stack; --parameter-name names/],
    [['--parameter-name', 'faspay/token'], 2, /--parameter-name contains "\/" but does not start with "\/", got "faspay\/token"/],
    [['--tolerance', 'a while'], 2, /--tolerance must be a duration such as 15m/],
    [['--tolerance'], 2, /option --tolerance needs a value/],
    [['--verbose'], 2, /unknown option --verbose \(see: status --help\)/],
  ])('%j exits %i naming the problem', async (argv, code, message) => {
    await createStack('OtherStack', { Something: 'else' });

    const run = await runCli(['status', ...argv], { clock });

    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it('says what to set when there are no AWS credentials', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');

    const run = await runCli(['status']);

    expect(run.code).toBe(EXIT_CODES.configuration);
    expect(run.stderr).toMatch(
      /AWS_CREDENTIALS_MISSING.*no AWS credentials were found: set AWS_PROFILE .* or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
  });

  it('says what to set when there is no region', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');

    const run = await runCli(['status']);

    expect(run.code).toBe(EXIT_CODES.configuration);
    expect(run.stderr).toMatch(/AWS_REGION_MISSING.*pass --region, or set AWS_REGION/);
  });

  it('reports an unreachable endpoint as an AWS failure (exit 5)', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', `http://127.0.0.1:${await freePort()}`);

    const run = await runCli(['status', '--json']);

    expect(run.code).toBe(EXIT_CODES.aws);
    expect(run.json()).toMatchObject({
      ok: false,
      error: {
        code: 'AWS_REQUEST_FAILED',
        message: expect.stringMatching(/cannot reach AWS_ENDPOINT_URL \(http:\/\/127\.0\.0\.1:\d+\) \(ECONNREFUSED\)/),
      },
    });
  });

  it('--help lists the options and the exit codes', async () => {
    const run = await runCli(['status', '--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--tolerance DURATION');
    expect(run.stdout).toContain('6 stale, 7 expired, 8 missing, 9 invalid');
  });
});

async function createStack(stackName: string, outputs: Record<string, string>): Promise<void> {
  const template = {
    Resources: { Marker: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'marker', Name: `/markers/${stackName}` } } },
    Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
  };
  await new CloudFormationClient(moto.clientConfig).send(
    new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }),
  );
}
