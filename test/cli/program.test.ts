import { describe, expect, it } from 'vitest';
import { CliSetupError, RefresherFunctionError, TokenHealthError } from '../../cli/errors.js';
import { hintFor } from '../../cli/hints.js';
import { CLONE, commandLine, installedAs } from '../../cli/program.js';
import { CredentialsInvalidError, FaspayError } from '../../functions/faspay/errors.js';
import { runCli } from './cli-harness.js';

const INSTALLED = installedAs('faspay-token');
const NPM_SCRIPT = /npm (run|start)\b/;
const COMMANDS = ['local', 'refresh', 'status', 'credentials', 'simulator'] as const;

/** One error of every kind that has a hint. */
const HINTED = [
  new FaspayError('FASPAY_UNAUTHORIZED', 'refused', { httpStatus: 401 }),
  new CredentialsInvalidError('missing: iv'),
  new CliSetupError('STACK_NOT_FOUND', 'no stack'),
  new TokenHealthError('TOKEN_STALE', 'stale'),
  new TokenHealthError('TOKEN_MISSING', 'missing'),
  new RefresherFunctionError('fn', 'Handled', 'error running docker: not found'),
  new RefresherFunctionError('fn', 'CredentialsInvalidError', 'CREDENTIALS_INVALID: placeholders'),
  new RefresherFunctionError('fn', 'FaspayError', 'FASPAY_UNAUTHORIZED: refused'),
  new RefresherFunctionError('fn', 'AwsAdapterError', 'CREDENTIALS_UNAVAILABLE: ResourceNotFoundException'),
];

describe('Program: commands named the way the CLI was started', () => {
  it('names the npm scripts in a clone and the command installed', () => {
    expect(commandLine(CLONE, 'refresh', '--force')).toBe('npm run refresh -- --force');
    expect(commandLine(CLONE, 'local')).toBe('npm start');
    expect(commandLine(CLONE, 'credentials', '--demo')).toBe('npm run cli -- credentials --demo');
    expect(commandLine(INSTALLED, 'refresh', '--force')).toBe('faspay-token refresh --force');
    expect(commandLine(INSTALLED, 'local')).toBe('faspay-token local');
  });

  it('installed, no help of any command names an npm script, and each starts with the command', async () => {
    for (const argv of [['--help'], ...COMMANDS.map((command) => [command, '--help'])]) {
      const run = await runCli(argv, { installedAs: 'faspay-token' });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: faspay-token /);
      expect(run.stdout, argv.join(' ')).not.toMatch(NPM_SCRIPT);
    }
  });

  it('installed, no hint names an npm script; in a clone they do', () => {
    for (const error of HINTED) {
      expect(hintFor(error, INSTALLED), error.message).toBeDefined();
      expect(hintFor(error, INSTALLED), error.message).not.toMatch(NPM_SCRIPT);
    }
    expect(hintFor(new TokenHealthError('TOKEN_STALE', 'stale'), INSTALLED)).toContain('`faspay-token refresh --force`');
    expect(hintFor(new TokenHealthError('TOKEN_STALE', 'stale'), CLONE)).toContain('`npm run refresh -- --force`');
  });

  it("installed, the simulator's banner tells to try it with the command", async () => {
    const stop = new AbortController();
    const run = await runCli(['simulator', '--port', '0'], {
      installedAs: 'faspay-token',
      stop: stop.signal,
      onStdout: (_text, soFar) => {
        if (soFar.includes('requests:')) stop.abort();
      },
    });

    expect(run.stdout).toMatch(/faspay-token local --faspay-url http:\/\/127\.0\.0\.1:\d+ --credentials demo-credentials\.json/);
    expect(run.stdout).not.toMatch(NPM_SCRIPT);
  });

  it('--version prints the version of package.json', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const run = await runCli(['--version'], { installedAs: 'faspay-token' });

    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
});
