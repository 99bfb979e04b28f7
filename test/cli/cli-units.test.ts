import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseInteger } from '../../cli/args.js';
import { DEFAULT_STACK_NAME } from '../../cli/aws.js';
import { CliSetupError, RefresherFunctionError, TokenHealthError, UsageError } from '../../cli/errors.js';
import { EXIT_CODES, exitCodeFor } from '../../cli/exit-codes.js';
import { credentialsFingerprint, fingerprint, formatSpan, relative } from '../../cli/format.js';
import { assessToken } from '../../cli/token-health.js';
import { AwsAdapterError } from '../../functions/adapters/errors.js';
import { TokenProviderError } from '../../functions/consumer/index.js';
import { CredentialsInvalidError, FaspayError } from '../../functions/faspay/index.js';
import { TimeBudgetError } from '../../functions/refresher/errors.js';
import { UnexpectedError } from '../../functions/shared/coded-error.js';
import { ConfigError } from '../../functions/shared/config-error.js';
import { DEFAULT_STACK_NAME as INFRA_DEFAULT_STACK_NAME } from '../../infra/stack-config.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';

describe('Function: parseDuration', () => {
  it.each([
    ['900', 900],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['1h30m', 5400],
    ['1h0m5s', 3605],
    ['0', 0],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDuration('--tolerance', text)).toBe(seconds);
  });

  it.each(['', '15 m', '1.5h', '-5m', 'm', '15min', '1d'])('refuses %j naming the flag and showing the value', (text) => {
    expect(() => parseDuration('--tolerance', text)).toThrow(
      new RegExp(
        `^--tolerance must be a duration such as 15m, 1h30m, 90s or 900 \\(seconds\\), got "${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"( \\(a negative duration\\))?$`,
      ),
    );
  });
});

describe('Function: parseInteger', () => {
  it('refuses out-of-range and non-digit values with a usage error', () => {
    expect(parseInteger('--port', '8080', 0, 65535)).toBe(8080);
    expect(() => parseInteger('--port', '65536', 0, 65535)).toThrow(UsageError);
    expect(() => parseInteger('--port', '80.5', 0, 65535)).toThrow('--port must be a whole number from 0 to 65535, got "80.5"');
  });
});

describe('Function: fingerprint', () => {
  it('is the first 12 hex characters of the SHA-256', () => {
    expect(fingerprint('token-value')).toBe(createHash('sha256').update('token-value').digest('hex').slice(0, 12));
  });

  it('of a credential set changes when any key changes (a rotation shows)', () => {
    const before = credentialsFingerprint(DEMO_CREDENTIALS);
    expect(credentialsFingerprint({ ...DEMO_CREDENTIALS, iv: 'otherIV' })).not.toBe(before);
    expect(credentialsFingerprint({ ...DEMO_CREDENTIALS })).toBe(before);
  });
});

describe('Function: formatSpan / relative', () => {
  it.each([
    [0, '0s'],
    [59.9, '59s'],
    [61, '1m 1s'],
    [3600, '1h 0m'],
    [35_999, '9h 59m'],
    [-5, '0s'],
  ])('formats %f s as %s', (seconds, text) => {
    expect(formatSpan(seconds)).toBe(text);
  });

  it('says "in" for the future and "ago" for the past', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(relative(new Date('2026-01-01T00:01:30Z'), now)).toBe('in 1m 30s');
    expect(relative(new Date('2025-12-31T23:00:00Z'), now)).toBe('1h 0m ago');
  });
});

describe('Function: exitCodeFor', () => {
  it.each([
    [new UsageError('x'), EXIT_CODES.usage],
    [new ConfigError('x'), EXIT_CODES.configuration],
    [new CredentialsInvalidError('x', ['iv']), EXIT_CODES.configuration],
    [new CliSetupError('AWS_CREDENTIALS_MISSING', 'x'), EXIT_CODES.configuration],
    [new FaspayError('FASPAY_UNAUTHORIZED', 'x'), EXIT_CODES.faspay],
    [new FaspayError('FASPAY_TIMEOUT', 'x'), EXIT_CODES.faspay],
    [new TimeBudgetError('x'), EXIT_CODES.faspay],
    [new AwsAdapterError('PARAMETER_WRITE_FAILED', 'x', 'AccessDeniedException'), EXIT_CODES.aws],
    [new AwsAdapterError('CREDENTIALS_UNAVAILABLE', 'x', 'ResourceNotFoundException'), EXIT_CODES.aws],
    [new TokenHealthError('TOKEN_STALE', 'x'), 6],
    [new TokenHealthError('TOKEN_EXPIRED', 'x'), 7],
    [new TokenHealthError('TOKEN_MISSING', 'x'), 8],
    [new TokenHealthError('TOKEN_INVALID', 'x'), 9],
    [new TokenProviderError('TOKEN_MISSING', 'x'), EXIT_CODES.tokenMissing],
    [new TokenProviderError('TOKEN_EXPIRED', 'x'), EXIT_CODES.tokenExpired],
    [new TokenProviderError('TOKEN_INVALID', 'x'), EXIT_CODES.tokenInvalid],
    // A function failure maps by the code its errorMessage leads with, through the same table.
    [new RefresherFunctionError('fn', 'FaspayError', 'FASPAY_TIMEOUT: x'), EXIT_CODES.faspay],
    [new RefresherFunctionError('fn', 'CredentialsInvalidError', 'CREDENTIALS_INVALID: x'), EXIT_CODES.configuration],
    [new RefresherFunctionError('fn', 'dt', 'EVENT_INVALID: x'), EXIT_CODES.usage],
    [new RefresherFunctionError('fn', 'FaspayError', 'no code here'), EXIT_CODES.aws],
    [new RefresherFunctionError('fn', 'Runtime.ImportModuleError', 'x'), EXIT_CODES.aws],
    [new RefresherFunctionError('fn', 'FaspayError', 'SOME_FUTURE_CODE: x'), EXIT_CODES.aws],
    [new UnexpectedError('x', new TypeError('y')), EXIT_CODES.unexpected],
    [new TypeError('not ours'), EXIT_CODES.unexpected],
  ])('%s -> %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('uses distinct codes for distinct failure kinds', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('Function: assessToken', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  const document = (refreshAt: string, expiresAt: string) =>
    JSON.stringify({ accessToken: 'opaque-token-value', issuedAt: '2026-11-25T00:00:00Z', refreshAt, expiresAt });

  it.each([
    ['2026-11-25T10:00:01Z', '2026-11-25T12:00:00Z', 'healthy'],
    ['2026-11-25T10:00:00Z', '2026-11-25T12:00:00Z', 'healthy'],
    ['2026-11-25T09:45:00Z', '2026-11-25T12:00:00Z', 'due'],
    ['2026-11-25T09:44:59Z', '2026-11-25T12:00:00Z', 'stale'],
    ['2026-11-25T09:00:00Z', '2026-11-25T10:00:00Z', 'expired'],
  ])('refreshAt %s, expiresAt %s with 15m tolerance: %s', (refreshAt, expiresAt, health) => {
    expect(assessToken(document(refreshAt, expiresAt), now, 900, '/p').health).toBe(health);
  });

  it('names the parameter and never the token', () => {
    const assessment = assessToken(document('2026-11-25T08:00:00Z', '2026-11-25T09:00:00Z'), now, 900, '/faspay/token');
    expect(assessment.error?.message).toContain('"/faspay/token"');
    expect(assessment.error?.message).not.toContain('opaque-token-value');
  });
});

describe('Contract with the rest of the project', () => {
  it("the default stack name is the CDK app's", () => {
    expect(DEFAULT_STACK_NAME).toBe(INFRA_DEFAULT_STACK_NAME);
  });

  // The exit-code table of docs/operate.md is checked against EXIT_CODES in test/docs/docs.test.ts.
});

describe('Function: main (dispatch)', () => {
  it('without a command prints the overview and exits 2; with --help exits 0', async () => {
    const { runCli } = await import('./cli-harness.js');
    const bare = await runCli([]);
    const help = await runCli(['--help']);

    expect(bare.code).toBe(EXIT_CODES.usage);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(bare.stdout);
    for (const command of ['local', 'refresh', 'status', 'simulator']) expect(help.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
  });

  it('an unknown command is a usage error that lists the commands', async () => {
    const { runCli } = await import('./cli-harness.js');
    const run = await runCli(['deploy', '--json']);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.json()).toEqual({
      ok: false,
      error: {
        code: 'USAGE_INVALID',
        message: 'unknown command "deploy": choose one of local, refresh, status, credentials, simulator, probe (see --help)',
        details: {},
      },
      exitCode: 2,
    });
  });
});
