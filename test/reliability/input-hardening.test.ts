import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { parseRefresherConfig, REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';
import { lambdaContext, readParameter, SECRET_NAME } from '../support/refresher-harness.js';
import { type HostileBehaviour, startHostileServer } from './support/hostile-server.js';
import { SCHEDULED_EVENT } from './support/invocations.js';
import { useWorld } from './support/lifecycle.js';
import { seedDueDocument } from './support/world.js';

/**
 * Everything that comes from outside the code (environment, event, Lambda context, secret value,
 * Faspay's HTTP answer) is checked where it enters, with an error that names what is wrong, and
 * nothing is written when it is wrong.
 */

const VALID_ENV = {
  FASPAY_BASE_URL: 'https://sendme-sandbox.faspay.co.id',
  FASPAY_CREDENTIALS_SECRET_ID: 'faspay/sendme/credentials',
  TOKEN_PARAMETER_NAME: '/faspay/sendme/access-token',
};

/** One bad value per variable the refresher reads. */
const BAD_ENV: Readonly<Record<string, string>> = {
  FASPAY_BASE_URL: 'ftp://sendme.faspay.co.id',
  FASPAY_CREDENTIALS_SECRET_ID: 'faspay credentials',
  TOKEN_PARAMETER_NAME: '/faspay//token',
  FASPAY_TIMEZONE: 'Mars/Olympus_Mons',
  FASPAY_SIGNED_PATH: 'account/api/tokens',
  TOKEN_PARAMETER_KMS_KEY_ID: 'arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:faspay',
  REFRESH_BEFORE_EXPIRY_SECONDS: '-5',
  REFRESH_LOOKAHEAD_SECONDS: '15m',
  FASPAY_HTTP_TIMEOUT_MS: '8s',
  FASPAY_MAX_ATTEMPTS: '11',
  REJECTION_COOLDOWN_SECONDS: '1m',
  REJECTION_CHECK_PATH: 'account/api/balance_inquiry?x=1',
  TOKEN_PARAMETER_ADVANCED_TIER: 'yes',
};

describe('environment variables', () => {
  it('has a hardening case for every variable the configuration reads', () => {
    const read = Object.values(REFRESHER_SETTINGS).map((setting) => setting.env);
    expect([...read].sort()).toEqual(Object.keys(BAD_ENV).sort());
  });

  it.each(Object.entries(BAD_ENV))('rejects a bad %s at cold start with a CONFIG_INVALID error naming it', (name, value) => {
    expect(() => parseRefresherConfig({ ...VALID_ENV, [name]: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(name) }),
    );
  });

  it.each([
    ['FASPAY_CREDENTIALS_SECRET_ID', 'arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:faspay/sendme/credentials-AbCdEf'],
    ['FASPAY_CREDENTIALS_SECRET_ID', 'arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:faspay/sendme/credentials'],
    ['TOKEN_PARAMETER_KMS_KEY_ID', 'alias/aws/ssm'],
    ['TOKEN_PARAMETER_KMS_KEY_ID', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['TOKEN_PARAMETER_KMS_KEY_ID', 'arn:aws:kms:ap-southeast-3:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['TOKEN_PARAMETER_KMS_KEY_ID', 'arn:aws:kms:ap-southeast-3:123456789012:alias/faspay-token'],
    ['REJECTION_CHECK_PATH', 'off'],
    ['REJECTION_CHECK_PATH', '/account/api/inquiry_name'],
  ])('accepts %s in the form %s', (name, value) => {
    expect(() => parseRefresherConfig({ ...VALID_ENV, [name]: value })).not.toThrow();
  });
});

const ctx = useWorld();

describe('event payloads', () => {
  it.each([
    ['a key named __proto__', JSON.parse('{"__proto__": {"force": true}}') as unknown, /unrecognised event/],
    ['force: null', { force: null }, /"force" must be true or false, got null/],
    ['a number', 42, /must be a JSON object/],
    ['a long string', 'x'.repeat(100_000), /got a string of 100000 characters/],
    ['a wrongly cased trigger', { trigger: 'Schedule' }, /"trigger" must be "schedule"/],
    ['a non-string scheduledTime', { trigger: 'schedule', scheduledTime: 1_700_000_000 }, /"scheduledTime" must be a short string/],
    ['an overlong executionId', { trigger: 'schedule', executionId: 'e'.repeat(101) }, /"executionId" must be a short string/],
    [
      'an EventBridge event with extra keys',
      { 'detail-type': 'Scheduled Event', source: 'aws.events', force: true },
      /only "force" is accepted|unknown event keys/,
    ],
  ])('rejects %s with EVENT_INVALID and touches nothing', async (_what, event, message) => {
    const before = await seedDueDocument(ctx.world);
    const handler = await ctx.coldStart();
    const requestsBefore = ctx.world.simulator.tokenRequests();

    const outcome = await ctx.evidence.invoke(handler, event, lambdaContext());

    expect(outcome).toMatchObject({ ok: false, error: { code: 'EVENT_INVALID', message: expect.stringMatching(message) } });
    expect(ctx.world.simulator.tokenRequests()).toBe(requestsBefore);
    expect(await readParameter(ctx.world.moto)).toEqual(before);
  });
});

describe('the Lambda context', () => {
  it.each([
    ['NaN', Number.NaN],
    ['undefined', undefined],
    ['a string', '5000'],
  ])('rejects a remaining time of %s with EVENT_INVALID before any request', async (_what, remaining) => {
    const before = await seedDueDocument(ctx.world);
    const handler = await ctx.coldStart();
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => remaining as number };

    const outcome = await ctx.evidence.invoke(handler, SCHEDULED_EVENT, context);

    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'EVENT_INVALID', message: expect.stringMatching(/getRemainingTimeInMillis\(\) did not return a number/) },
    });
    expect(await readParameter(ctx.world.moto)).toEqual(before);
    expect(ctx.output.jsonLines().find((line) => line.message === 'event rejected')).toMatchObject({ errorCode: 'EVENT_INVALID' });
  });

  it('treats a negative remaining time as no time left', async () => {
    await seedDueDocument(ctx.world);
    const outcome = await ctx.evidence.invoke(await ctx.coldStart(), SCHEDULED_EVENT, {
      ...lambdaContext(),
      getRemainingTimeInMillis: () => -1,
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'TIME_BUDGET_EXHAUSTED' } });
  });
});

describe('the credentials secret', () => {
  async function replaceSecret(value: { SecretString: string } | { SecretBinary: Uint8Array }) {
    const client = new SecretsManagerClient(ctx.world.moto.clientConfig);
    await client.send(new DeleteSecretCommand({ SecretId: SECRET_NAME, ForceDeleteWithoutRecovery: true }));
    await client.send(new CreateSecretCommand({ Name: SECRET_NAME, ...value }));
  }

  it.each([
    [
      'a binary secret',
      { SecretBinary: Buffer.from(JSON.stringify(DEMO_CREDENTIALS)) },
      /has no SecretString \(binary secrets are not supported\)/,
    ],
    ['a JSON array', { SecretString: '[]' }, /must be a JSON object/],
    ['null values', { SecretString: JSON.stringify({ ...DEMO_CREDENTIALS, app_key: null }) }, /missing: app_key/],
    [
      'a faspay_key with a line break',
      { SecretString: JSON.stringify({ ...DEMO_CREDENTIALS, faspay_key: 'demo\nkey' }) },
      /sent as an HTTP header\): faspay_key/,
    ],
    [
      'a faspay_key with non-ASCII',
      { SecretString: JSON.stringify({ ...DEMO_CREDENTIALS, faspay_key: 'démo_key' }) },
      /sent as an HTTP header\): faspay_key/,
    ],
    [
      'a faspay_key with a trailing space',
      { SecretString: JSON.stringify({ ...DEMO_CREDENTIALS, faspay_key: 'demo_key ' }) },
      /leading or trailing whitespace: faspay_key/,
    ],
    [
      'an app_secret with a leading space',
      { SecretString: JSON.stringify({ ...DEMO_CREDENTIALS, app_secret: ' demo' }) },
      /leading or trailing whitespace: app_secret\)$/,
    ],
  ])('rejects %s with CREDENTIALS_INVALID before any Faspay request', async (_what, value, message) => {
    const before = await seedDueDocument(ctx.world);
    await replaceSecret(value);
    const handler = await ctx.coldStart();
    const requestsBefore = ctx.world.simulator.tokenRequests();

    const outcome = await ctx.evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext());

    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'CREDENTIALS_INVALID', retryable: false, message: expect.stringMatching(message) },
    });
    expect(ctx.world.simulator.tokenRequests()).toBe(requestsBefore);
    expect(await readParameter(ctx.world.moto)).toEqual(before);
  });
});

describe("Faspay's HTTP answer", () => {
  async function against(behaviour: HostileBehaviour, env: Record<string, string> = {}) {
    const server = await startHostileServer(behaviour, ctx.world.simulator.url);
    const before = await seedDueDocument(ctx.world);
    const handler = await ctx.coldStart({ FASPAY_BASE_URL: server.url, FASPAY_MAX_ATTEMPTS: '1', ...env });
    const outcome = await ctx.evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext());
    expect(await readParameter(ctx.world.moto)).toEqual(before);
    await server.close();
    return { outcome, server };
  }

  it('refuses an oversized answer from its Content-Length, unread', async () => {
    ctx.world.simulator.setFault('oversized-body');
    const before = await seedDueDocument(ctx.world);
    const outcome = await ctx.evidence.invoke(await ctx.coldStart({ FASPAY_MAX_ATTEMPTS: '1' }), SCHEDULED_EVENT, lambdaContext());
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'FASPAY_BAD_RESPONSE', message: expect.stringMatching(/larger than 65536 bytes; refused unread/) },
    });
    expect(await readParameter(ctx.world.moto)).toEqual(before);
  });

  it('stops reading an endless body sent without Content-Length once it passes the limit', async () => {
    const { outcome, server } = await against('endless-chunked-body');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'FASPAY_BAD_RESPONSE', retryable: false } });
    await server.clientGaveUp;
    // The server writes only as fast as the client reads; the socket buffers hold a few MiB at most.
    expect(server.bytesSent()).toBeLessThan(16 * 1024 * 1024);
  });

  it('times out a body that drips in forever, even though the headers came at once', async () => {
    const startedAt = Date.now();
    const { outcome } = await against('dripping-body', { FASPAY_HTTP_TIMEOUT_MS: '500' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'FASPAY_TIMEOUT', retryable: true } });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('does not follow a redirect (the signed headers would travel on) and does not retry it', async () => {
    const requestsBefore = ctx.world.simulator.tokenRequests();
    const { outcome, server } = await against('redirect', { FASPAY_MAX_ATTEMPTS: '3' });
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        code: 'FASPAY_HTTP_ERROR',
        retryable: false,
        message: expect.stringMatching(/redirect \(HTTP 302\).*check the Faspay base URL/),
      },
    });
    expect(server.requests()).toBe(1);
    expect(ctx.world.simulator.tokenRequests()).toBe(requestsBefore);
  });

  it('rejects an empty body as a bad response', async () => {
    const { outcome } = await against('empty-body');
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'FASPAY_BAD_RESPONSE', message: expect.stringMatching(/not a JSON object/) },
    });
  });

  it('still makes requests when the configured HTTP timeout is below one second', async () => {
    await seedDueDocument(ctx.world);
    const outcome = await ctx.evidence.invoke(await ctx.coldStart({ FASPAY_HTTP_TIMEOUT_MS: '300' }), SCHEDULED_EVENT, lambdaContext());
    expect(outcome).toMatchObject({ ok: true, result: { refreshed: true } });
  });
});
