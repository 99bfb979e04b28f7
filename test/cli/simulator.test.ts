import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { type FaspayCredentials, FaspayError } from '../../functions/faspay/index.js';
import { DEMO_CREDENTIALS, FAULTS } from '../../simulator/index.js';
import { findLeaks } from '../support/output-capture.js';
import { requestToken as requestFrom } from '../support/request-token.js';
import { type CliRun, runCli } from './cli-harness.js';

const PRIVATE_CREDENTIALS: FaspayCredentials = {
  faspay_key: 'private_faspay_key_1a2b',
  faspay_secret: 'private_faspay_secret_3c4d',
  app_key: 'private_app_key_5e6f',
  app_secret: 'private_app_secret_7a8b',
  client_key: 'private_client_key_9c0d',
  client_secret: 'private_client_secret_1e2f',
  iv: 'privateIVword77',
};

/** Starts `simulator` in-process, lets `use(url)` talk to it, then plays Ctrl-C; resolves to the finished run. */
async function withSimulator(argv: string[], use: (url: string) => Promise<void>): Promise<CliRun> {
  const stop = new AbortController();
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const finished = runCli(['simulator', '--port', '0', ...argv], {
    stop: stop.signal,
    onStdout: (text) => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)|"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(text);
      if (match) listening((match[1] ?? match[2])!);
    },
  });
  try {
    await use(await Promise.race([url, finished.then((run) => Promise.reject(new Error(`simulator exited: ${run.stderr}`)))]));
  } finally {
    stop.abort();
  }
  return finished;
}

async function requestToken(url: string, credentials: FaspayCredentials) {
  return requestFrom(url, { credentials });
}

describe('Command: simulator', () => {
  it('serves signed token requests until Ctrl-C, printing where it listens, the demo credentials and each request', async () => {
    const run = await withSimulator([], async (url) => {
      const grant = await requestToken(url, DEMO_CREDENTIALS);
      expect(grant.expiresInSeconds).toBe(36_000);
    });

    expect(run.code).toBe(EXIT_CODES.ok);
    expect(run.stdout).toMatch(/^Faspay SendMe simulator listening on http:\/\/127\.0\.0\.1:\d+ \(Ctrl-C stops it\)/);
    expect(run.stdout).toContain('DEMO credentials: made-up public values that only this simulator accepts');
    expect(run.stdout).toContain(JSON.stringify(DEMO_CREDENTIALS, null, 2));
    expect(run.stdout).toMatch(/npm start -- --faspay-url http:\/\/127\.0\.0\.1:\d+ --credentials demo-credentials\.json/);
    expect(run.stdout).toMatch(/ {2}\d{4}-\d\d-\d\dT[\d:]+Z GET \/account\/api\/tokens -> 200 token-issued\n/);
    expect(run.stdout).toMatch(/simulator stopped\n$/);
  });

  it('--fault queues faults for the next requests, in order; --token-lifetime sets expired_in', async () => {
    const run = await withSimulator(
      ['--fault', 'http-500', '--fault', 'unauthorized', '--token-lifetime', '90s', '--json'],
      async (url) => {
        await expect(requestToken(url, DEMO_CREDENTIALS)).rejects.toMatchObject({ code: 'FASPAY_HTTP_ERROR' });
        await expect(requestToken(url, DEMO_CREDENTIALS)).rejects.toBeInstanceOf(FaspayError);
        expect((await requestToken(url, DEMO_CREDENTIALS)).expiresInSeconds).toBe(90);
      },
    );

    const events = run.jsonLines();
    expect(events[0]).toMatchObject({
      event: 'listening',
      tokenLifetimeSeconds: 90,
      faultsQueued: ['http-500', 'unauthorized'],
      credentials: { demo: true },
    });
    expect(events.filter((event) => event.event === 'request').map((event) => [event.status, event.outcome, event.fault])).toEqual([
      [500, 'fault', 'http-500'],
      [401, 'fault', 'unauthorized'],
      [200, 'token-issued', undefined],
    ]);
    expect(events.at(-1)).toEqual({ event: 'stopped' });
  });

  it('--credentials FILE accepts that set instead and never prints its values', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-sim-')), 'private.json');
    writeFileSync(file, JSON.stringify(PRIVATE_CREDENTIALS));

    const run = await withSimulator(['--credentials', file], async (url) => {
      await expect(requestToken(url, DEMO_CREDENTIALS)).rejects.toMatchObject({ code: 'FASPAY_UNAUTHORIZED' });
      await requestToken(url, PRIVATE_CREDENTIALS);
    });

    expect(run.stdout).toMatch(/credentials {4}from the file given \(sha256 [0-9a-f]{12}…; values not shown\)/);
    expect(run.stdout).toContain('-> 401 rejected (unknown faspay-key)');
    expect(findLeaks(run.stdout + run.stderr, Object.values(PRIVATE_CREDENTIALS))).toEqual([]);
  });

  it('--revoke-on-issue makes each new token revoke the earlier ones, and says so', async () => {
    const run = await withSimulator(['--revoke-on-issue', '--json'], async (url) => {
      await requestToken(url, DEMO_CREDENTIALS);
      await requestToken(url, DEMO_CREDENTIALS);
    });

    expect(run.jsonLines()[0]).toMatchObject({ event: 'listening', revokeOnIssue: true });
    const plain = await runCli(['simulator', '--help']);
    expect(plain.stdout).toContain('--revoke-on-issue');
  });

  it('--accept-signed-path plays a Faspay that takes one signed-path variant, which the probe then finds', async () => {
    const demoFile = join(mkdtempSync(join(tmpdir(), 'cli-sim-')), 'demo.json');
    writeFileSync(demoFile, JSON.stringify(DEMO_CREDENTIALS));
    let probe: CliRun | undefined;

    const run = await withSimulator(['--accept-signed-path', '/account/api/inquiry_name', '--json'], async (url) => {
      await expect(requestToken(url, DEMO_CREDENTIALS)).rejects.toMatchObject({ code: 'FASPAY_UNAUTHORIZED' });
      probe = await runCli(['probe', '--faspay-url', url, '--credentials', demoFile, '--json']);
    });

    expect(run.jsonLines()[0]).toMatchObject({ event: 'listening', acceptedSignedPaths: ['/account/api/inquiry_name'] });
    expect(run.stdout).toContain('signed path is not accepted');
    expect(probe?.code).toBe(EXIT_CODES.ok);
    expect(probe?.jsonLines().at(-1)).toMatchObject({ acceptedSignedPath: '/account/api/inquiry_name', tokenRequests: 4 });
    const human = await runCli(['simulator', '--help']);
    expect(human.stdout).toContain('--accept-signed-path PATH');
  });

  it('a port in use is a configuration error that says how to pick another', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runCli(['simulator', '--port', String(port)]);

      expect(run.code).toBe(EXIT_CODES.configuration);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is in use: pass --port N (0 picks a free port)`);
    } finally {
      blocker.close();
    }
  });

  it.each([
    [['--fault', 'meltdown'], new RegExp(`--fault "meltdown" is not a fault; choose one of: ${FAULTS.slice(0, 3).join(', ')}`)],
    [['--port', '70000'], /--port must be a whole number from 0 to 65535, got "70000"/],
    [['--port', 'http'], /--port must be a whole number/],
    [['--token-lifetime', '0'], /--token-lifetime must be from 1s to 48h 0m, got "0"/],
    [['--token-lifetime', '49h'], /--token-lifetime must be from 1s to 48h 0m, got "49h"/],
    [['--token-lifetime', '10 hours'], /--token-lifetime must be a duration/],
    [['--host', '0.0.0.0'], /unknown option --host/],
    [['--accept-signed-path', 'tokens'], /--accept-signed-path must be an absolute path such as \/account\/api\/tokens, got "tokens"/],
  ])('%j is a usage error', async (argv, message) => {
    const run = await runCli(['simulator', ...argv]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toMatch(message);
  });

  it('--help lists the faults and the runtime fault control', async () => {
    const run = await runCli(['simulator', '--help']);

    expect(run.code).toBe(0);
    for (const fault of FAULTS) expect(run.stdout).toContain(fault);
    expect(run.stdout).toContain('/__simulator/faults');
  });
});
