import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { freePort } from '../support/free-port.js';
import { findLeaks } from '../support/output-capture.js';
import { allOutput, fakeTime, recordIssuedTokens, runCli } from './cli-harness.js';

/** A credential set of the right shape that is not the demo one (as a real sandbox set would be). */
const OTHER_CREDENTIALS = {
  faspay_key: 'other_faspay_key_9f31',
  faspay_secret: 'other_faspay_secret_77aa',
  app_key: 'other_app_key_5521',
  app_secret: 'other_app_secret_0c9e',
  client_key: 'other_client_key_e41d',
  client_secret: 'other_client_secret_3b07',
  iv: 'otherIVword4242',
  virtual_account: '9880000000001234',
};

const directory = mkdtempSync(join(tmpdir(), 'cli-local-'));
const credentialsFile = join(directory, 'sandbox.json');
const wrongKeysFile = join(directory, 'wrong-keys.json');
const notJsonFile = join(directory, 'not-json.json');
let issued: ReturnType<typeof recordIssuedTokens>;
let external: RunningSimulator;

beforeAll(async () => {
  writeFileSync(credentialsFile, JSON.stringify(OTHER_CREDENTIALS));
  writeFileSync(
    wrongKeysFile,
    JSON.stringify({
      faspay_key: 'other_faspay_key_9f31',
      faspay_secret: 'other_faspay_secret_77aa',
      app_key: '',
      client_key: 42,
      apiKey: 'x',
    }),
  );
  writeFileSync(notJsonFile, 'faspay_key=other_faspay_key_9f31');
  issued = recordIssuedTokens();
  // Plays "the real Faspay sandbox" for --faspay-url: a separate server with its own credentials.
  external = await startSimulator({ credentials: OTHER_CREDENTIALS });
});

afterAll(async () => {
  await external?.close();
  issued.restore();
  // Across every scenario of this file: no credential value and no issued token in any output.
  const secrets = [...Object.values(DEMO_CREDENTIALS), ...Object.values(OTHER_CREDENTIALS), ...issued.tokens];
  expect(issued.tokens.length).toBeGreaterThan(5);
  expect(findLeaks(allOutput.join('\n'), secrets)).toEqual([]);
});

describe('Command: local (npm start)', () => {
  it('runs the whole cycle with nothing set up and prints each step in order', async () => {
    const run = await runCli(['local']);

    expect(run.code).toBe(EXIT_CODES.ok);
    expect(run.stderr).toBe('');
    const labels = run.stdout
      .split('\n')
      .map((text) => /^ {2}(\S[\w ]*?) {2,}/.exec(text)?.[1])
      .filter(Boolean);
    expect(labels).toEqual([
      'simulator',
      'credentials',
      'store',
      'decision',
      'token request',
      'token granted',
      'stored',
      'consumer read',
      'service call',
    ]);
    expect(run.stdout).toMatch(/simulator {6}up on http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain('decision       refresh (missing: nothing stored yet)');
    expect(run.stdout).toMatch(/stored {9}version 1, token sha256 [0-9a-f]{12}… \(684 chars\)/);
    expect(run.stdout).toContain('(the one just stored)');
    expect(run.stdout).toContain('GET /account/api/balance_inquiry -> HTTP 200, response_code 00 (success): signature and token accepted');
    expect(run.stdout).toMatch(/ok: refresh cycle complete in \d+ ms\n$/);
  });

  it('--json prints one event per line, with fingerprints that match between store and consumer', async () => {
    const run = await runCli(['local', '--json']);

    expect(run.code).toBe(0);
    const events = run.jsonLines();
    expect(events.map((event) => event.event)).toEqual([
      'simulator',
      'credentials',
      'store',
      'decision',
      'token-request',
      'token-granted',
      'stored',
      'consumer-read',
      'service-call',
      'done',
    ]);
    const stored = events.find((event) => event.event === 'stored')!;
    const read = events.find((event) => event.event === 'consumer-read')!;
    expect(stored).toMatchObject({ version: 1, token: { fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/), length: 684 } });
    expect(read).toMatchObject({ token: stored.token, sameAsStored: true, expiresAt: stored.expiresAt });
    expect(events.find((event) => event.event === 'decision')).toEqual({
      event: 'decision',
      refresh: true,
      reason: 'missing',
      stored: 'missing',
    });
    expect(events.find((event) => event.event === 'service-call')).toMatchObject({
      httpStatus: 200,
      status: '2',
      responseCode: '00',
      accepted: true,
    });
    expect(events.at(-1)).toMatchObject({ event: 'done', ok: true, summary: { refreshed: true, reason: 'missing', parameterVersion: 1 } });
    // The fingerprint is of the token that was really issued.
    const { createHash } = await import('node:crypto');
    const fingerprints = issued.tokens.map((token) => createHash('sha256').update(token).digest('hex').slice(0, 12));
    expect(fingerprints).toContain((stored.token as { fingerprint: string }).fingerprint);
  });

  it('--force reports the forced decision', async () => {
    const run = await runCli(['local', '--force', '--json']);

    expect(run.code).toBe(0);
    expect(run.jsonLines().find((event) => event.event === 'decision')).toMatchObject({ refresh: true, reason: 'forced' });
  });

  it('--credentials FILE runs the cycle with that set (the simulator is started with it)', async () => {
    const run = await runCli(['local', '--credentials', credentialsFile, '--json']);

    expect(run.code).toBe(0);
    expect(run.jsonLines().find((event) => event.event === 'credentials')).toMatchObject({ source: 'file', file: credentialsFile });
  });

  it('--faspay-url with --credentials talks to that Faspay and starts no simulator (the credential check)', async () => {
    const before = external.tokenRequests();
    const run = await runCli(['local', '--faspay-url', external.url, '--credentials', credentialsFile]);

    expect(run.code).toBe(0);
    expect(external.tokenRequests()).toBe(before + 1);
    expect(run.stdout).not.toContain('simulator      up');
    expect(run.stdout).toContain(`faspay         ${external.url} (no simulator)`);
    expect(run.stdout).toContain('signature and token accepted');
  });

  it('reports Faspay refusing the credentials with exit 4 and a hint', async () => {
    external.setFault('unauthorized');
    try {
      const run = await runCli(['local', '--faspay-url', external.url, '--credentials', credentialsFile]);

      expect(run.code).toBe(EXIT_CODES.faspay);
      expect(run.stderr).toMatch(/^error \(FASPAY_UNAUTHORIZED, exit 4\): /);
      expect(run.stderr).toContain('hint: Faspay refused the credentials or the signature');
      expect(run.stdout).not.toMatch(/^ {2}stored /m);
    } finally {
      external.setFault(undefined);
    }
  });

  it('reports an unreachable Faspay with exit 4 after the retries', async () => {
    const port = await freePort();
    const run = await runCli(['local', '--faspay-url', `http://127.0.0.1:${port}`, '--credentials', credentialsFile, '--json']);

    expect(run.code).toBe(EXIT_CODES.faspay);
    const events = run.jsonLines();
    expect(events.filter((event) => event.event === 'retry')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({
      ok: false,
      exitCode: 4,
      error: { code: 'FASPAY_NETWORK', message: expect.stringContaining('ECONNREFUSED') },
    });
  }, 20_000);

  it.each([
    [
      ['local', '--credentials', wrongKeysFile],
      3,
      /CREDENTIALS_INVALID.*missing: app_secret, client_secret, iv; not a string: client_key; empty: app_key/,
    ],
    [['local', '--credentials', notJsonFile], 3, /CREDENTIALS_INVALID.*is not JSON/],
    [['local', '--credentials', join(directory, 'absent.json')], 3, /CREDENTIALS_FILE_UNREADABLE.*absent\.json: no such file/],
    [['local', '--credentials', directory], 3, /CREDENTIALS_FILE_UNREADABLE.*it is a directory/],
    [['local', '--verbose'], 2, /unknown option --verbose \(see: local --help\)/],
    [['local', '--credentials'], 2, /option --credentials needs a value/],
    [['local', '--force=yes'], 2, /option --force does not take a value/],
    [['local', 'now'], 2, /unexpected argument "now"/],
    [['local', '--faspay-url', 'http://sendme-sandbox.faspay.co.id', '--credentials', credentialsFile], 2, /--faspay-url must use https/],
    [['local', '--faspay-url', 'not a url', '--credentials', credentialsFile], 2, /--faspay-url is not a URL/],
    [['local', '--faspay-url', 'https://sendme-sandbox.faspay.co.id'], 2, /--faspay-url needs --credentials FILE/],
    [['local', '--secret-id', 'x'], 2, /--secret-id works only with --aws/],
    [['local', '--check-every', '5s'], 2, /--check-every works only with --watch/],
    [['local', '--watch', '--check-every', 'soon'], 2, /--check-every must be a duration such as 15m/],
    [['local', '--token-lifetime', '1'], 2, /--token-lifetime must be from 2s to 48h 0m, got "1"/],
    [['local', '--aws', '--credentials', credentialsFile], 2, /--credentials and --aws are exclusive/],
  ])('%j exits %i naming the problem', async (argv, code, message) => {
    const run = await runCli(argv);

    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split('\n')[0]).toMatch(/^error \([A-Z_]+, exit \d\): /);
  });

  it('--help explains the options and exits 0', async () => {
    const run = await runCli(['local', '--help']);

    expect(run.code).toBe(0);
    for (const flag of ['--force', '--watch', '--faspay-url', '--credentials', '--aws', '--json']) expect(run.stdout).toContain(flag);
  });
});

describe('Command: local --watch', () => {
  it('keeps refreshing on the short local schedule, with the consumer following, until stopped', async () => {
    // GIVEN a clock that moves only while the CLI waits, and a Ctrl-C after three scheduled refreshes
    const time = fakeTime();
    const stop = new AbortController();
    const run = await runCli(['local', '--watch', '--json'], {
      clock: time.clock,
      sleep: time.sleep,
      stop: stop.signal,
      onStdout: (_text, soFar) => {
        if ((soFar.match(/"event":"stored"/g) ?? []).length >= 4) stop.abort();
      },
    });

    // THEN it stops cleanly and every refresh happened when due, 40 s apart (60 s tokens, 20 s margin)
    expect(run.code).toBe(0);
    const events = run.jsonLines();
    const stored = events.filter((event) => event.event === 'stored');
    expect(stored.map((event) => event.version)).toEqual([1, 2, 3, 4]);
    const issuedAt = stored.map((event) => Date.parse(event.issuedAt as string));
    expect(issuedAt.slice(1).map((at, index) => at - issuedAt[index]!)).toEqual([40_000, 40_000, 40_000]);
    expect(events.filter((event) => event.event === 'decision' && event.reason === 'due')).toHaveLength(3);
    expect(events.filter((event) => event.event === 'decision' && event.reason === 'fresh').length).toBeGreaterThanOrEqual(18);
    const reads = events.filter((event) => event.event === 'consumer-read');
    expect(reads).toHaveLength(4);
    expect(reads.every((event) => event.sameAsStored === true)).toBe(true);
    expect(events.filter((event) => event.event === 'service-call').every((event) => event.accepted === true)).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'stopped', refreshes: 3, failures: 0 });
  });

  it('on a terminal shows the countdown on one line rewritten in place', async () => {
    const time = fakeTime();
    const stop = new AbortController();
    const options = (tty: boolean) => ({
      tty,
      clock: time.clock,
      sleep: async (ms: number, signal?: AbortSignal) => {
        await time.sleep(ms, signal);
        if (time.clock().getTime() - start >= 12_000) stop.abort();
      },
      stop: stop.signal,
    });
    const start = time.clock().getTime();
    const terminal = await runCli(['local', '--watch'], options(true));

    expect(terminal.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal erase-line escape is what is checked.
    expect(terminal.stdout).toMatch(/\r\x1b\[2K {2}next check in 5s · refresh due in 40s · token expires in 1m 0s · Ctrl-C stops/);
    expect(terminal.stdout).not.toContain('decision       skip');
    expect(terminal.stdout).toMatch(/stopped: 2 checks, 0 refreshes, 0 failures\n$/);
  });

  it('without a terminal prints each check as a plain line', async () => {
    const time = fakeTime();
    const stop = new AbortController();
    const start = time.clock().getTime();
    const run = await runCli(['local', '--watch'], {
      clock: time.clock,
      sleep: async (ms, signal) => {
        await time.sleep(ms, signal);
        if (time.clock().getTime() - start >= 12_000) stop.abort();
      },
      stop: stop.signal,
    });

    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\r');
    expect(run.stdout.match(/decision {7}skip \(fresh: version 1 is good until its refresh time, in \d+s\)/g)).toHaveLength(2);
  });

  it('shows a failed check and recovers on the next one', async () => {
    const time = fakeTime();
    const stop = new AbortController();
    const failing = await startSimulator({ credentials: OTHER_CREDENTIALS, tokenLifetimeSeconds: 60, now: time.clock });
    try {
      const run = await runCli(
        ['local', '--watch', '--json', '--faspay-url', failing.url, '--credentials', credentialsFile, '--refresh-before', '20s'],
        {
          clock: time.clock,
          sleep: time.sleep,
          stop: stop.signal,
          onStdout: (text, soFar) => {
            // The first refresh succeeds; then the due refresh meets an unauthorized answer once.
            if (text.includes('"event":"stored"') && !soFar.includes('check-failed')) failing.failNext('unauthorized');
            if ((soFar.match(/"event":"stored"/g) ?? []).length >= 2) stop.abort();
          },
        },
      );

      expect(run.code).toBe(0);
      const events = run.jsonLines();
      expect(events.find((event) => event.event === 'check-failed')).toMatchObject({ code: 'FASPAY_UNAUTHORIZED', exitCode: 4 });
      expect(events.at(-1)).toMatchObject({ event: 'stopped', refreshes: 1, failures: 1 });
    } finally {
      await failing.close();
    }
  });
});
