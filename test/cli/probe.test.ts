import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { createFaspaySigner, type FaspayCredentials, SIGNED_PATH_VARIANTS, TOKEN_PATH } from '../../functions/faspay/index.js';
import { type SimulatorOptions, startSimulator } from '../../simulator/index.js';
import { findLeaks } from '../support/output-capture.js';
import { allOutput, runCli } from './cli-harness.js';

/** A sandbox-like credential set (not the demo one): the probe must never show a value of it. */
const SANDBOX_CREDENTIALS: FaspayCredentials = {
  faspay_key: 'probe_faspay_key_4d1e',
  faspay_secret: 'probe_faspay_secret_93ab',
  app_key: 'probe_app_key_7c20',
  app_secret: 'probe_app_secret_e5f1',
  client_key: 'probe_client_key_08b6',
  client_secret: 'probe_client_secret_a3c9',
  iv: 'probeIVword5150',
};

const directory = mkdtempSync(join(tmpdir(), 'cli-probe-'));
const credentialsFile = join(directory, 'sandbox.json');
writeFileSync(credentialsFile, JSON.stringify(SANDBOX_CREDENTIALS));
const issuedTokens: string[] = [];

/** A simulator playing the real Faspay, with the probe's credentials; every token it issues is remembered. */
async function withFaspay<T>(options: SimulatorOptions, use: (simulator: Awaited<ReturnType<typeof startSimulator>>) => Promise<T>) {
  let count = 0;
  const simulator = await startSimulator({
    credentials: SANDBOX_CREDENTIALS,
    tokenFactory: () => {
      const token = `probe-token-${++count}-${Math.random().toString(36).slice(2)}-${'x'.repeat(600)}`;
      issuedTokens.push(token);
      return token;
    },
    ...options,
  });
  try {
    return await use(simulator);
  } finally {
    await simulator.close();
  }
}

const probe = (url: string, ...extra: string[]) => runCli(['probe', '--faspay-url', url, '--credentials', credentialsFile, ...extra]);

afterAll(() => {
  // Across every run of this file: no credential value, no issued token, no authorization header.
  const authorization = createFaspaySigner(SANDBOX_CREDENTIALS).tokenRequestHeaders('2026-01-01 00:00:00')['faspay-authorization'];
  expect(issuedTokens.length).toBeGreaterThanOrEqual(SIGNED_PATH_VARIANTS.length);
  expect(findLeaks(allOutput.join('\n'), [...Object.values(SANDBOX_CREDENTIALS), ...issuedTokens, authorization])).toEqual([]);
});

describe('Command: probe', () => {
  it.each(SIGNED_PATH_VARIANTS.map((path, index) => [path, index] as const))(
    'finds the variant a Faspay that accepts only %s takes, spending one token request per variant tried',
    async (accepted, index) => {
      await withFaspay({ acceptedSignedPaths: [accepted] }, async (faspay) => {
        const run = await probe(faspay.url, '--json');

        expect(run.code, run.stdout).toBe(EXIT_CODES.ok);
        const events = run.jsonLines();
        expect(events[0]).toMatchObject({ event: 'plan', maxTokenRequests: SIGNED_PATH_VARIANTS.length, mayRevokeDeployedToken: true });
        const requests = events.filter((event) => event.event === 'token-request');
        expect(requests.map((event) => event.signedPath)).toEqual(SIGNED_PATH_VARIANTS.slice(0, index + 1));
        expect(requests.map((event) => event.verdict)).toEqual([...Array(index).fill('refused'), 'accepted']);
        expect(requests.slice(0, index).every((event) => event.httpStatus === 401 && event.responseCode === '01')).toBe(true);
        expect(events.find((event) => event.event === 'service-call')).toMatchObject({
          path: '/account/api/balance_inquiry',
          httpStatus: 200,
          responseCode: '00',
          accepted: true,
        });
        expect(events.at(-1)).toMatchObject({
          event: 'result',
          ok: true,
          acceptedSignedPath: accepted,
          deploy: { env: `${REFRESHER_SETTINGS.signedPath.env}=${accepted}`, context: `-c signedPath=${accepted}` },
          tokenRequests: index + 1,
        });
        // The simulator's own count: one request per variant tried, exactly one token issued.
        expect(faspay.tokenRequests()).toBe(index + 1);
        expect(faspay.issuedTokens()).toBe(1);
      });
    },
  );

  it('says what it may spend before the first request, then each answer, the clock and the setting to deploy', async () => {
    await withFaspay({ acceptedSignedPaths: ['/account/api/transfer'] }, async (faspay) => {
      const seenBeforeFirstRequest: string[] = [];
      const run = await runCli(['probe', '--faspay-url', faspay.url, '--credentials', credentialsFile], {
        onStdout: (_text, soFar) => {
          if (faspay.tokenRequests() === 0) seenBeforeFirstRequest.push(soFar);
        },
      });

      expect(run.code).toBe(EXIT_CODES.ok);
      const before = seenBeforeFirstRequest.at(-1) ?? '';
      expect(before).toContain(`up to ${SIGNED_PATH_VARIANTS.length} token requests, one per signed-path variant`);
      expect(before).toContain('at most one token is issued');
      expect(before).toContain('a new token may revoke the one the deployed refresher stored');
      expect(run.stdout).toMatch(
        /try 1\/8 +signed \/account\/api\/tokens -> HTTP 401, response_code 01 \(Unauthorized: signed path is not accepted\): refused \(FASPAY_UNAUTHORIZED\)/,
      );
      expect(run.stdout).toMatch(
        /try 2\/8 +signed \/account\/api\/transfer -> HTTP 200, response_code 00: accepted: token sha256 [0-9a-f]{12}…/,
      );
      expect(run.stdout).not.toContain('try 3/8');
      expect(run.stdout).toMatch(
        /service call +GET \/account\/api\/balance_inquiry -> HTTP 200, response_code 00 \(success\): signature and token accepted/,
      );
      expect(run.stdout).toMatch(/clock +this machine is (in step with|1 s (ahead of|behind)) Faspay's Date header/);
      expect(run.stdout).toContain("construct prop signedPath: '/account/api/transfer'");
      expect(run.stdout).toContain('or CDK context -c signedPath=/account/api/transfer');
      expect(run.stdout).toContain('FASPAY_SIGNED_PATH=/account/api/transfer');
    });
  });

  it('measures the clock difference against Faspay’s Date header', async () => {
    await withFaspay({}, async (faspay) => {
      // This machine runs two minutes fast (within the simulator's 300 s skew).
      const run = await runCli(['probe', '--faspay-url', faspay.url, '--credentials', credentialsFile, '--json'], {
        clock: () => new Date(Date.now() + 120_000),
      });

      expect(run.code).toBe(EXIT_CODES.ok);
      const result = run.jsonLines().at(-1)!;
      expect(result).toMatchObject({ acceptedSignedPath: TOKEN_PATH, deploy: { isDefault: true } });
      expect(Math.abs((result.clockOffsetSeconds as number) - 120)).toBeLessThanOrEqual(1);
    });
  });

  it('refused everywhere: exit 4 after one request per variant, no token, and the causes that remain', async () => {
    await withFaspay({ acceptedSignedPaths: ['/some/other/path'] }, async (faspay) => {
      const run = await probe(faspay.url);

      expect(run.code).toBe(EXIT_CODES.faspay);
      expect(faspay.tokenRequests()).toBe(SIGNED_PATH_VARIANTS.length);
      expect(faspay.issuedTokens()).toBe(0);
      expect(run.stdout).not.toContain('service call');
      expect(run.stdout).toMatch(/clock +this machine is/);
      expect(run.stderr).toMatch(
        /^error \(FASPAY_UNAUTHORIZED, exit 4\): Faspay refused all 8 signed-path variants tried: the credentials, this machine's address \(not whitelisted\) or its clock are wrong, not the signed path \(this machine is/,
      );
    });
  });

  it('stops at the first answer that says nothing about the path (HTTP 500), without spending more requests', async () => {
    await withFaspay({}, async (faspay) => {
      faspay.setFault('http-500');
      const run = await probe(faspay.url, '--json');

      expect(run.code).toBe(EXIT_CODES.faspay);
      expect(faspay.tokenRequests()).toBe(1);
      const events = run.jsonLines();
      expect(events.filter((event) => event.event === 'token-request')).toEqual([
        expect.objectContaining({ verdict: 'failed', errorCode: 'FASPAY_HTTP_ERROR', httpStatus: 500 }),
      ]);
      expect(events.at(-1)).toMatchObject({ ok: false, error: { code: 'FASPAY_HTTP_ERROR' }, exitCode: EXIT_CODES.faspay });
    });
  });

  it('reports a token Faspay issued but then refused for the signed call', async () => {
    let faspayRef: { revokeAll(): void } | undefined;
    await withFaspay({ onRequest: (event) => event.outcome === 'token-issued' && faspayRef?.revokeAll() }, async (faspay) => {
      faspayRef = faspay;
      const run = await probe(faspay.url);

      expect(run.code).toBe(EXIT_CODES.faspay);
      expect(faspay.tokenRequests()).toBe(1);
      expect(run.stdout).toMatch(/service call +GET \/account\/api\/balance_inquiry -> HTTP 401.*Unauthorized/);
      expect(run.stderr).toMatch(
        /^error \(FASPAY_UNAUTHORIZED, exit 4\): Faspay issued a token for the signed path \/account\/api\/tokens but refused/,
      );
    });
  });

  it('--signed-path tries only the paths given, in that order', async () => {
    await withFaspay({ acceptedSignedPaths: ['/account/api/mutasi'] }, async (faspay) => {
      const run = await probe(faspay.url, '--signed-path', '/account/api/transfer', '--signed-path', '/account/api/mutasi', '--json');

      expect(run.code).toBe(EXIT_CODES.ok);
      expect(run.jsonLines()[0]).toMatchObject({ variants: ['/account/api/transfer', '/account/api/mutasi'], maxTokenRequests: 2 });
      expect(faspay.tokenRequests()).toBe(2);
    });
  });

  it.each([
    [['probe', '--faspay-url', 'https://sendme-sandbox.faspay.co.id'], /needs --credentials FILE/],
    [['probe', '--credentials', credentialsFile, '--faspay-url', 'http://example.com'], /--faspay-url must use https/],
    [['probe', '--credentials', credentialsFile, '--signed-path', 'account/api/transfer'], /--signed-path must be an absolute path/],
  ])('refuses %j before any request (exit 2)', async (argv, message) => {
    const run = await runCli(argv);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toMatch(message);
  });
});
