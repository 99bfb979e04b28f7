import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFaspayTokenProvider, type FaspayTokenProviderOptions } from '../../functions/consumer/index.js';
import { CREDENTIAL_KEYS } from '../../functions/faspay/index.js';
import type { TokenDocument } from '../../functions/token/index.js';
import { createVerifier, DEMO_CREDENTIALS } from '../../simulator/index.js';
import { findLeaks } from '../support/output-capture.js';
import { json, type ScriptedAws, startScriptedAws } from '../support/scripted-aws.js';
import { fakeClock, mockedSsm, PARAMETER, parameterAnswer, rejectionOf, tokenDocument } from './fixtures.js';

const SECRET_ID = 'faspay/sendme/credentials';
const BALANCE = '/account/api/balance_inquiry';

let clock: ReturnType<typeof fakeClock>;
let ssm: ReturnType<typeof mockedSsm>;
let secretsManager: ScriptedAws;
let document: TokenDocument;

function setup(extra: Partial<FaspayTokenProviderOptions> = {}) {
  return createFaspayTokenProvider({
    parameterName: PARAMETER,
    ssmClient: ssm.client,
    ...(extra.credentials === undefined ? { credentialsSecretId: SECRET_ID, secretsManagerClient: secretsClient() } : {}),
    clock: clock.now,
    ...extra,
  });
}

/** A Secrets Manager client of the caller's: GetSecretValue is signed with its configuration and sent to its endpoint. */
const secretsClient = () =>
  new SecretsManagerClient({
    region: 'ap-southeast-3',
    endpoint: secretsManager.url,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
const secretAnswer = (value: unknown) => json(200, { Name: SECRET_ID, SecretString: JSON.stringify(value) });

const verifier = () => createVerifier({ credentials: DEMO_CREDENTIALS, timeZone: 'Asia/Jakarta', maxSkewSeconds: 0, now: clock.now });
const secretReads = () => secretsManager.received.filter((r) => r.headers['x-amz-target'] === 'secretsmanager.GetSecretValue').length;

beforeAll(async () => {
  secretsManager = await startScriptedAws();
});
afterAll(() => secretsManager.close());

beforeEach(() => {
  clock = fakeClock(Date.parse('2026-11-25T00:00:00Z'));
  ssm = mockedSsm();
  document = tokenDocument(clock.nowMs());
  ssm.mock.on(GetParameterCommand).callsFake(() => parameterAnswer(document));
  secretsManager.received.length = 0;
  secretsManager.script(secretAnswer({ ...DEMO_CREDENTIALS, virtual_account: '0011' }));
});

describe('Method: headersFor', () => {
  it('signs a service call with the cached token and the credentials, as the SendMe verifier expects', async () => {
    // Prepare
    const provider = setup();

    // Act
    const headers = await provider.headersFor('GET', BALANCE);

    // Assess
    expect(Object.keys(headers).sort()).toEqual([
      'Content-Type',
      'faspay-authorization',
      'faspay-key',
      'faspay-signature',
      'faspay-timestamp',
    ]);
    expect(headers['faspay-timestamp']).toBe('2026-11-25 07:00:00');
    expect(headers['Content-Type']).toBe('application/json');
    const verdict = verifier().verifyServiceCall({ ...headers }, 'GET', BALANCE);
    expect(verdict).toMatchObject({ ok: true, fields: { accessToken: document.accessToken, method: 'GET', path: BALANCE } });
    expect(secretsManager.received.map((r) => JSON.parse(r.body))).toEqual([{ SecretId: SECRET_ID }]);
  });

  it('uses a fresh timestamp on every call and honours timeZone', async () => {
    const provider = setup({ timeZone: 'UTC' });
    const first = await provider.headersFor('POST', '/account/api/transfer');
    clock.advance(61_000);
    const second = await provider.headersFor('POST', '/account/api/transfer');
    expect([first['faspay-timestamp'], second['faspay-timestamp']]).toEqual(['2026-11-25 00:00:00', '2026-11-25 00:01:01']);
  });

  it('reads the credentials once, shared by concurrent callers', async () => {
    const provider = setup();
    await Promise.all(Array.from({ length: 100 }, () => provider.headersFor('GET', BALANCE)));
    await provider.headersFor('GET', BALANCE);
    expect(secretReads()).toBe(1);
    expect(ssm.reads()).toBe(1);
  });

  it('does not cache a failed credentials read', async () => {
    secretsManager.script(json(400, { __type: 'ResourceNotFoundException', message: 'no such secret' }), secretAnswer(DEMO_CREDENTIALS));
    const provider = setup();

    const error = await rejectionOf(provider.headersFor('GET', BALANCE));
    const headers = await provider.headersFor('GET', BALANCE);

    expect(error).toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE' });
    expect(error.message).toBe(`cannot read the credentials secret "${SECRET_ID}": ResourceNotFoundException (HTTP 400)`);
    expect(headers['faspay-key']).toBe(DEMO_CREDENTIALS.faspay_key);
    expect(secretReads()).toBe(2);
  });

  it('names the keys at fault in CREDENTIALS_INVALID, never their values', async () => {
    const { app_secret: _dropped, ...incomplete } = DEMO_CREDENTIALS;
    secretsManager.script(secretAnswer({ ...incomplete, iv: '' }));

    const error = await rejectionOf(setup().headersFor('GET', BALANCE));

    expect(error.code).toBe('CREDENTIALS_INVALID');
    expect(error.message).toMatch(/missing: app_secret; empty: iv/);
    expect(findLeaks(`${error.message} ${JSON.stringify(error)}`, Object.values(DEMO_CREDENTIALS))).toEqual([]);
  });

  it('re-reads credentials from the secret after invalidate() (a rotation shows up as Unauthorized)', async () => {
    const provider = setup();
    await provider.headersFor('GET', BALANCE);
    provider.invalidate();
    await provider.headersFor('GET', BALANCE);
    expect(secretReads()).toBe(2);
    expect(ssm.reads()).toBe(2);
  });

  it('calls a credentials function once, and again after invalidate()', async () => {
    let calls = 0;
    const provider = setup({
      credentials: async () => {
        calls++;
        return DEMO_CREDENTIALS;
      },
    });
    await provider.headersFor('GET', BALANCE);
    await provider.headersFor('GET', BALANCE);
    provider.invalidate();
    await provider.headersFor('GET', BALANCE);
    expect(calls).toBe(2);
    expect(secretReads()).toBe(0);
  });

  it('checks fixed credentials at construction', () => {
    expect(() => setup({ credentials: { ...DEMO_CREDENTIALS, client_key: 7 } as never })).toThrow(
      /the credentials option has invalid keys \(not a string: client_key\)/,
    );
  });

  it('rejects with CONFIG_INVALID when no credentials were configured', async () => {
    const provider = createFaspayTokenProvider({ parameterName: PARAMETER, ssmClient: ssm.client, clock: clock.now });
    const error = await rejectionOf(provider.headersFor('GET', BALANCE));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/set credentialsSecretId \(or credentials\)/);
    expect(await provider.getToken()).toMatchObject({ accessToken: document.accessToken });
  });

  it.each([
    ['TRACE', BALANCE, /method must be one of GET, POST, PUT, PATCH, DELETE, got "TRACE"/],
    ['GET', '/account/api/balance_inquiry?x=1', /the service path must be an absolute path/],
    ['GET', 'account/api/balance_inquiry', /the service path must be an absolute path/],
  ])('rejects %s %s before reading anything', async (method, path, message) => {
    const error = await rejectionOf(setup().headersFor(method as 'GET', path));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(error.message).toMatch(message);
    expect(ssm.reads() + secretReads()).toBe(0);
  });

  it('accepts a fixed credential set without touching Secrets Manager', async () => {
    const headers = await setup({ credentials: DEMO_CREDENTIALS }).headersFor('GET', BALANCE);
    expect(verifier().verifyServiceCall({ ...headers }, 'GET', BALANCE).ok).toBe(true);
    expect(secretReads()).toBe(0);
    // faspay_key travels verbatim by design; nothing else may appear in clear.
    const secretValues = CREDENTIAL_KEYS.filter((key) => key !== 'faspay_key').map((key) => DEMO_CREDENTIALS[key]);
    expect(findLeaks(JSON.stringify(headers), [...secretValues, document.accessToken])).toEqual([]);
  });
});
