import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CREDENTIAL_KEYS } from '../../functions/faspay/index.js';
import { parseTokenDocument } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS, type Fault, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { emfViolations } from '../support/emf-spec.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';
import { captureOutput, findLeaks } from '../support/output-capture.js';
import {
  createCredentialsSecret,
  type Handler,
  handlerEnv,
  lambdaContext,
  loadHandler,
  readParameter,
  rejectionOf,
  SECRET_NAME,
} from '../support/refresher-harness.js';

const SCHEDULE_EVENT = { trigger: 'schedule', scheduledTime: '2026-11-25T00:00:00Z', executionId: 'exec-1' };

let moto: MotoServer;
let simulator: RunningSimulator;
let handler: Handler;
let output: ReturnType<typeof captureOutput>;
const issuedTokens: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  simulator = await startSimulator({ slowMs: 3000 });
});

afterAll(async () => {
  await simulator?.close();
  await moto?.stop();
});

beforeEach(async () => {
  await resetMoto(moto);
  simulator.setFault(undefined);
  await createCredentialsSecret(moto, DEMO_CREDENTIALS);
  handler = await loadHandler(handlerEnv(moto, simulator.url));
  output = captureOutput();
});

afterEach(async () => {
  output.stop();
  const stored = await readParameter(moto);
  if (stored !== undefined) issuedTokens.push(parseTokenDocument(stored.value).accessToken);
  // Nothing secret in any byte the handler wrote, in any test.
  expect(findLeaks(output.text(), [...Object.values(DEMO_CREDENTIALS), ...issuedTokens])).toEqual([]);
  vi.unstubAllEnvs();
});

describe('refresher handler against moto and the simulator', () => {
  it('creates the SecureString with the documented JSON on the first scheduled run', async () => {
    const before = Date.now();
    const summary = await handler(SCHEDULE_EVENT, lambdaContext());

    const stored = await readParameter(moto);
    expect(stored?.type).toBe('SecureString');
    const document = parseTokenDocument(stored!.value);
    expect(Object.keys(JSON.parse(stored!.value))).toEqual(['accessToken', 'issuedAt', 'expiresAt', 'refreshAt']);
    expect(document.accessToken).toMatch(/^[A-Za-z0-9+/]{600,}={0,2}$/);
    expect(document.issuedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(document.expiresAt.getTime() - document.issuedAt.getTime()).toBe(36_000_000);
    expect(document.expiresAt.getTime() - document.refreshAt.getTime()).toBe(7_200_000);
    expect(summary).toEqual({
      refreshed: true,
      reason: 'missing',
      expiresAt: document.expiresAt.toISOString(),
      refreshAt: document.refreshAt.toISOString(),
      parameterVersion: 1,
    });
    expect(JSON.stringify(summary)).not.toContain(document.accessToken);
  });

  it('is a no-op while the token is fresh: no Secrets Manager read, no Faspay request', async () => {
    await handler(SCHEDULE_EVENT, lambdaContext());
    const first = await readParameter(moto);
    const requestsBefore = simulator.tokenRequests();
    // Without the secret, any attempt to read it would fail the run.
    await new SecretsManagerClient(moto.clientConfig).send(
      new DeleteSecretCommand({ SecretId: SECRET_NAME, ForceDeleteWithoutRecovery: true }),
    );

    const summary = await handler(SCHEDULE_EVENT, lambdaContext());

    expect(summary).toMatchObject({ refreshed: false, reason: 'fresh', parameterVersion: 1 });
    expect(simulator.tokenRequests()).toBe(requestsBefore);
    expect(await readParameter(moto)).toEqual(first);
  });

  it('replaces a fresh token when forced', async () => {
    await handler({}, lambdaContext());
    const first = await readParameter(moto);

    const summary = await handler({ force: true }, lambdaContext());

    const second = await readParameter(moto);
    expect(summary).toMatchObject({ refreshed: true, reason: 'forced', parameterVersion: 2 });
    expect(second!.version).toBe(2);
    expect(parseTokenDocument(second!.value).accessToken).not.toBe(parseTokenDocument(first!.value).accessToken);
  });

  it('accepts an EventBridge Scheduled Event as a scheduled run', async () => {
    const event = {
      version: '0',
      id: 'e1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-11-25T00:00:00Z',
      region: 'ap-southeast-3',
      resources: [],
      detail: {},
    };
    await expect(handler(event, lambdaContext())).resolves.toMatchObject({ refreshed: true, reason: 'missing' });
  });

  it.each([
    [{ force: 'yes' }, /"force" must be true or false/],
    [{ force: true, dryRun: true }, /unknown event keys: dryRun/],
    [{ refresh: true }, /unrecognised event/],
    [[], /must be a JSON object/],
  ])('rejects the payload %j and writes nothing', async (event, message) => {
    const requestsBefore = simulator.tokenRequests();
    const error = await rejectionOf(handler(event, lambdaContext()));
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.message).toMatch(message);
    expect(await readParameter(moto)).toBeUndefined();
    expect(simulator.tokenRequests()).toBe(requestsBefore);
  });

  const faults: Array<[Fault, string]> = [
    ['http-500', 'FASPAY_HTTP_ERROR'],
    ['html-500', 'FASPAY_HTTP_ERROR'],
    ['unauthorized', 'FASPAY_UNAUTHORIZED'],
    ['rejected', 'FASPAY_REJECTED'],
    ['malformed-json', 'FASPAY_BAD_RESPONSE'],
    ['empty-token', 'FASPAY_BAD_RESPONSE'],
    ['expired-in-non-numeric', 'FASPAY_BAD_RESPONSE'],
    ['expired-in-zero', 'FASPAY_BAD_RESPONSE'],
    ['oversized-body', 'FASPAY_BAD_RESPONSE'],
    ['slow', 'FASPAY_TIMEOUT'],
  ];

  /** Answers after which Faspay may have issued a token that was not stored: the stored one may be revoked. */
  const mayHaveIssued = new Set(['FASPAY_BAD_RESPONSE', 'FASPAY_TIMEOUT']);

  it.each(faults)(
    'keeps the stored token when Faspay answers %s (%s): as it was, or due now if Faspay may have issued one',
    async (fault, code) => {
      await handler({}, lambdaContext());
      const before = await readParameter(moto);
      simulator.setFault(fault);

      const started = Math.floor(Date.now() / 1000) * 1000;
      const error = await rejectionOf(handler({ force: true }, lambdaContext()));

      expect(error.code).toBe(code);
      const failure = output.jsonLines().find((line) => line.message === 'token refresh failed');
      expect(failure).toMatchObject({ level: 'ERROR', outcome: 'failed', errorCode: code, reason: 'forced' });
      const after = await readParameter(moto);
      if (!mayHaveIssued.has(code)) {
        expect(after).toEqual(before);
        return;
      }
      // The same token, stored again due now, and no lifetime reported for it: it may be revoked.
      const was = parseTokenDocument(before!.value);
      const now = parseTokenDocument(after!.value);
      expect({ ...now, refreshAt: was.refreshAt }).toEqual(was);
      expect(now.refreshAt.getTime()).toBeGreaterThanOrEqual(started);
      expect(now.refreshAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(after!.version).toBe(before!.version + 1);
      expect(failure).toMatchObject({ tokenRemainingSeconds: 0 });
    },
  );

  it('retries a transient failure and publishes when it clears', async () => {
    simulator.failNext('http-500', 'http-429');
    const requestsBefore = simulator.tokenRequests();

    await expect(handler({}, lambdaContext())).resolves.toMatchObject({ refreshed: true });

    expect(simulator.tokenRequests() - requestsBefore).toBe(3);
    expect(output.jsonLines().filter((line) => line.message === 'token request failed, retrying')).toHaveLength(2);
  });

  it('does not retry an unauthorized answer', async () => {
    simulator.failNext('unauthorized');
    const requestsBefore = simulator.tokenRequests();
    await expect(rejectionOf(handler({}, lambdaContext()))).resolves.toMatchObject({ code: 'FASPAY_UNAUTHORIZED' });
    expect(simulator.tokenRequests() - requestsBefore).toBe(1);
    expect(await readParameter(moto)).toBeUndefined();
  });

  it('emits the staleness metrics in Embedded Metric Format', async () => {
    await handler({}, lambdaContext());
    const emf = output.jsonLines().find((line) => '_aws' in line);
    expect(emf).toMatchObject({
      service: 'faspay-token-refresher',
      TokenParameter: '/faspay/sendme/access-token',
      TokenRefreshed: 1,
      TokenRefreshFailed: 0,
    });
    expect(emf!.TokenRemainingLifetime).toBeGreaterThan(35_990);
    expect(emfViolations(emf)).toEqual([]);
  });

  it('refreshes but publishes no metrics when POWERTOOLS_METRICS_DISABLED is true', async () => {
    output.stop();
    handler = await loadHandler(handlerEnv(moto, simulator.url, { POWERTOOLS_METRICS_DISABLED: 'true' }));
    output = captureOutput();

    await expect(handler({}, lambdaContext())).resolves.toMatchObject({ refreshed: true });
    expect(output.jsonLines().filter((line) => '_aws' in line)).toEqual([]);
    expect(output.jsonLines().find((line) => line.message === 'token refreshed')).toMatchObject({ sampling_rate: 0 });
    expect(output.jsonLines().filter((line) => line.level === 'DEBUG')).toEqual([]);
  });

  it('logs a sampled invocation at DEBUG, the request included, when POWERTOOLS_LOGGER_SAMPLE_RATE is 1', async () => {
    output.stop();
    handler = await loadHandler(handlerEnv(moto, simulator.url, { POWERTOOLS_LOGGER_SAMPLE_RATE: '1' }));
    output = captureOutput();

    await handler(SCHEDULE_EVENT, lambdaContext());
    const debug = output.jsonLines().filter((line) => line.level === 'DEBUG');
    expect(debug.map((line) => line.message)).toEqual(['Setting log level to DEBUG due to sampling rate', 'token refresh requested']);
    expect(debug[1]).toMatchObject({ trigger: 'schedule', executionId: 'exec-1', sampling_rate: 1, function_request_id: 'test-request' });
  });
});

describe('refresher handler with bad credentials or configuration', () => {
  it('names the keys at fault in a CREDENTIALS_INVALID error, never their values', async () => {
    await resetMoto(moto);
    const { client_secret: _dropped, ...partial } = DEMO_CREDENTIALS;
    await createCredentialsSecret(moto, JSON.stringify({ ...partial, iv: '' }));

    const error = await rejectionOf(handler({}, lambdaContext()));

    expect(error.code).toBe('CREDENTIALS_INVALID');
    expect(error.message).toContain('missing: client_secret; empty: iv');
    expect(await readParameter(moto)).toBeUndefined();
    for (const key of CREDENTIAL_KEYS) expect(error.message).not.toContain(DEMO_CREDENTIALS[key]);
  });

  it('rejects a secret that is not JSON', async () => {
    await resetMoto(moto);
    await createCredentialsSecret(moto, 'not json at all');
    await expect(rejectionOf(handler({}, lambdaContext()))).resolves.toMatchObject({
      code: 'CREDENTIALS_INVALID',
      message: expect.stringMatching(/is not JSON/),
    });
  });

  it('reports a missing secret as CREDENTIALS_UNAVAILABLE', async () => {
    await resetMoto(moto);
    await expect(rejectionOf(handler({}, lambdaContext()))).resolves.toMatchObject({
      code: 'CREDENTIALS_UNAVAILABLE',
      message: expect.stringMatching(/ResourceNotFoundException/),
    });
  });

  it('rejects every invocation with a message naming the variable when configuration is invalid', async () => {
    output.stop();
    handler = await loadHandler(handlerEnv(moto, 'http://sendme.faspay.co.id'));
    output = captureOutput();
    await expect(rejectionOf(handler({}, lambdaContext()))).resolves.toMatchObject({
      code: 'CONFIG_INVALID',
      // The message leads with the stable code: the contract of a failed invocation (function-error.ts).
      message: expect.stringMatching(/^CONFIG_INVALID: FASPAY_BASE_URL must use https/),
    });
  });

  it('rejects every invocation when a Powertools variable has a value Powertools refuses', async () => {
    output.stop();
    handler = await loadHandler(handlerEnv(moto, simulator.url, { POWERTOOLS_LOGGER_SAMPLE_RATE: 'often' }));
    output = captureOutput();
    await expect(rejectionOf(handler({}, lambdaContext()))).resolves.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/^CONFIG_INVALID: POWERTOOLS_LOGGER_SAMPLE_RATE must be a number/),
    });
    expect(output.jsonLines().find((line) => line.message === 'configuration invalid')).toMatchObject({
      errorCode: 'CONFIG_INVALID',
      function_request_id: 'test-request',
    });
  });
});
