import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFaspayTokenProvider, type FaspayTokenProviderOptions } from '../../functions/consumer/index.js';
import type { TokenDocument } from '../../functions/token/index.js';
import { findLeaks } from '../support/output-capture.js';
import { startScriptedAws } from '../support/scripted-aws.js';
import { awsError, deferred, fakeClock, HOUR_MS, mockedSsm, PARAMETER, parameterAnswer, rejectionOf, tokenDocument } from './fixtures.js';

let clock: ReturnType<typeof fakeClock>;
let ssm: ReturnType<typeof mockedSsm>;
let stored: TokenDocument | string | undefined;
const seenTokens: string[] = [];

function setup(extra: Partial<FaspayTokenProviderOptions> = {}) {
  return createFaspayTokenProvider({ parameterName: PARAMETER, ssmClient: ssm.client, clock: clock.now, random: () => 0.5, ...extra });
}

function store(document: TokenDocument | string): void {
  stored = document;
  if (typeof document !== 'string') seenTokens.push(document.accessToken);
}

beforeEach(() => {
  clock = fakeClock();
  ssm = mockedSsm();
  stored = undefined;
  ssm.mock.on(GetParameterCommand).callsFake(() => {
    if (stored === undefined) throw awsError('ParameterNotFound');
    return parameterAnswer(stored);
  });
});

describe('Function: createFaspayTokenProvider, caching', () => {
  it('reads once and serves the token from memory until refreshAt', async () => {
    // Prepare
    const document = tokenDocument(clock.nowMs());
    store(document);
    const provider = setup();

    // Act
    const first = await provider.getToken();
    for (let i = 0; i < 50; i++) await provider.getToken();
    clock.set(document.refreshAt.getTime() - 1);
    const last = await provider.getToken();

    // Assess
    expect(ssm.reads()).toBe(1);
    expect(first).toEqual({
      accessToken: document.accessToken,
      issuedAt: document.issuedAt,
      expiresAt: document.expiresAt,
      refreshAt: document.refreshAt,
      parameterVersion: 1,
    });
    expect(last.accessToken).toBe(document.accessToken);
    expect(ssm.mock).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAMETER, WithDecryption: true });
  });

  it('re-reads once refreshAt plus the jitter has passed, and serves the new token', async () => {
    // Prepare: random 0.5 of 30 s = 15 s of jitter
    const document = tokenDocument(clock.nowMs());
    store(document);
    const provider = setup();
    await provider.getToken();
    const next = tokenDocument(document.refreshAt.getTime());
    store(next);

    // Act / Assess
    clock.set(document.refreshAt.getTime() + 14_999);
    expect((await provider.getToken()).accessToken).toBe(document.accessToken);
    expect(ssm.reads()).toBe(1);
    clock.set(document.refreshAt.getTime() + 15_000);
    expect((await provider.getToken()).accessToken).toBe(next.accessToken);
    expect(await provider.getToken()).toMatchObject({ accessToken: next.accessToken });
    expect(ssm.reads()).toBe(2);
  });

  it('spreads re-reads by the configured jitter', async () => {
    // Prepare
    const document = tokenDocument(clock.nowMs());
    store(document);
    const late = setup({ random: () => 0.999, maxJitterSeconds: 60 });
    const early = setup({ random: () => 0, maxJitterSeconds: 60 });
    await late.getToken();
    await early.getToken();

    // Act
    clock.set(document.refreshAt.getTime() + 59_000);
    await late.getToken();
    await early.getToken();

    // Assess: the early one looked again, the late one (deadline refreshAt + 59.94 s) did not
    expect(ssm.reads()).toBe(3);
  });

  it('never extends the cache past expiresAt, and fails with TOKEN_EXPIRED when the stored token has expired too', async () => {
    // Prepare: refreshAt 5 s before expiry and up to 30 s of jitter
    const document = tokenDocument(clock.nowMs(), { refreshBeforeMs: 5_000 });
    store(document);
    const provider = setup({ random: () => 0.99 });
    await provider.getToken();

    // Act
    clock.set(document.expiresAt.getTime() - 1);
    const lastValid = await provider.getToken();
    clock.set(document.expiresAt.getTime());
    const error = await rejectionOf(provider.getToken());

    // Assess
    expect(lastValid.accessToken).toBe(document.accessToken);
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.message).toContain(document.expiresAt.toISOString());
    expect(ssm.reads()).toBe(2);
  });

  it('never returns a stored token that has already expired', async () => {
    store(tokenDocument(clock.nowMs() - 10 * HOUR_MS));
    const provider = setup();

    const errors = [await rejectionOf(provider.getToken()), await rejectionOf(provider.getToken())];

    expect(errors.map((error) => error.code)).toEqual(['TOKEN_EXPIRED', 'TOKEN_EXPIRED']);
    expect(ssm.reads()).toBe(2);
  });

  it('looks again only every so often while the stored document is past its refreshAt (the refresher is late)', async () => {
    // Prepare: a document 1 minute past its refreshAt (2 h - 1 min left)
    const document = tokenDocument(clock.nowMs() - 8 * HOUR_MS - 60_000);
    store(document);
    const provider = setup({ random: () => 0 });

    // Act: one call a second for 10 minutes
    for (let second = 0; second < 600; second++) {
      await provider.getToken();
      clock.advance(1000);
    }
    const readsWhileLate = ssm.reads();
    clock.advance(5 * 60_000);
    const next = tokenDocument(clock.nowMs());
    store(next);
    const afterRecheck = await provider.getToken();

    // Assess: re-check after (2 h - 1 min) / 8, about 15 min
    expect(readsWhileLate).toBe(1);
    expect(afterRecheck.accessToken).toBe(next.accessToken);
    expect(ssm.reads()).toBe(2);
  });

  it('returns new Date objects, so a caller mutating one cannot move the schedule', async () => {
    const document = tokenDocument(clock.nowMs());
    store(document);
    const provider = setup();

    const first = await provider.getToken();
    first.expiresAt.setTime(0);
    first.refreshAt.setTime(0);
    const second = await provider.getToken();

    expect(second.expiresAt).toEqual(document.expiresAt);
    expect(ssm.reads()).toBe(1);
  });
});

describe('Function: createFaspayTokenProvider, single flight and invalidation', () => {
  it('shares one in-flight read among concurrent callers', async () => {
    // Prepare
    const document = tokenDocument(clock.nowMs());
    const held = deferred<ReturnType<typeof parameterAnswer>>();
    ssm.mock.on(GetParameterCommand).callsFake(() => held.promise);
    const provider = setup();

    // Act
    const calls = Array.from({ length: 200 }, () => provider.getToken());
    held.resolve(parameterAnswer(document));
    const tokens = await Promise.all(calls);

    // Assess
    expect(ssm.reads()).toBe(1);
    expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set([document.accessToken]));
  });

  it('shares a failed read among concurrent callers and does not cache the failure', async () => {
    // Prepare
    const held = deferred<ReturnType<typeof parameterAnswer>>();
    ssm.mock
      .on(GetParameterCommand)
      .callsFakeOnce(() => held.promise)
      .callsFake(() => parameterAnswer(stored!));
    store(tokenDocument(clock.nowMs()));
    const provider = setup();

    // Act
    const calls = Array.from({ length: 50 }, () => rejectionOf(provider.getToken()));
    held.reject(awsError('ThrottlingException'));
    const errors = await Promise.all(calls);
    const retried = await provider.getToken();

    // Assess
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(['PARAMETER_READ_FAILED']));
    expect(errors[0]!.message).toContain('ThrottlingException');
    expect(retried.accessToken).toBe((stored as TokenDocument).accessToken);
    expect(ssm.reads()).toBe(2);
  });

  it('keeps serving a still-valid token when a re-read fails, and tries again after a re-check interval', async () => {
    // Prepare
    const document = tokenDocument(clock.nowMs());
    store(document);
    const provider = setup({ random: () => 0 });
    await provider.getToken();
    ssm.mock.on(GetParameterCommand).rejects(awsError('ThrottlingException'));

    // Act: a request a second for a minute after refreshAt
    clock.set(document.refreshAt.getTime());
    const served = new Set<string>();
    for (let second = 0; second < 60; second++) {
      served.add((await provider.getToken()).accessToken);
      clock.advance(1000);
    }
    const readsWhileThrottled = ssm.reads();
    const next = tokenDocument(clock.nowMs());
    store(next);
    ssm.mock.on(GetParameterCommand).callsFake(() => parameterAnswer(stored!));
    clock.set(document.refreshAt.getTime() + 15 * 60_000);
    const recovered = await provider.getToken();

    // Assess
    expect(served).toEqual(new Set([document.accessToken]));
    expect(readsWhileThrottled).toBe(2);
    expect(recovered.accessToken).toBe(next.accessToken);
  });

  it('re-reads after invalidate(), even while an older read is in flight', async () => {
    // Prepare
    const first = tokenDocument(clock.nowMs());
    const second = tokenDocument(clock.nowMs());
    const held = deferred<ReturnType<typeof parameterAnswer>>();
    ssm.mock
      .on(GetParameterCommand)
      .callsFakeOnce(() => held.promise)
      .callsFake(() => parameterAnswer(second));
    const provider = setup();

    // Act
    const before = provider.getToken();
    provider.invalidate();
    const after = provider.getToken();
    held.resolve(parameterAnswer(first));
    const results = [(await before).accessToken, (await after).accessToken];
    const cachedAfter = (await provider.getToken()).accessToken;

    // Assess: the read started before invalidate() does not fill the cache
    expect(results).toEqual([first.accessToken, second.accessToken]);
    expect(cachedAfter).toBe(second.accessToken);
    expect(ssm.reads()).toBe(2);
  });

  it('drops a fresh cached token on invalidate()', async () => {
    store(tokenDocument(clock.nowMs()));
    const provider = setup();
    await provider.getToken();

    provider.invalidate();
    provider.invalidate();
    await provider.getToken();
    await provider.getToken();

    expect(ssm.reads()).toBe(2);
  });
});

describe('Function: createFaspayTokenProvider, errors', () => {
  it.each([
    ['ParameterNotFound', 'TOKEN_MISSING', /does not exist: deploy the refresher/],
    ['AccessDeniedException', 'PARAMETER_READ_FAILED', /cannot read the token parameter ".*": AccessDeniedException/],
  ])('maps %s to %s', async (awsName, code, message) => {
    ssm.mock.on(GetParameterCommand).rejects(awsError(awsName));
    const error = await rejectionOf(setup().getToken());
    expect(error).toMatchObject({ code });
    expect(error.message).toMatch(message);
    expect(error.message).toContain(PARAMETER);
  });

  it('names an answer the SDK could not read (an HTML 500 page) by its HTTP status, retryable, never as a parse error', async () => {
    const aws = await startScriptedAws();
    try {
      aws.script({ status: 500, body: '<!doctype html><title>Internal Server Error</title>' });
      const ssmClient = new SSMClient({
        region: 'ap-southeast-3',
        endpoint: aws.url,
        maxAttempts: 1,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });

      const error = await rejectionOf(createFaspayTokenProvider({ parameterName: PARAMETER, ssmClient }).getToken());

      expect(error).toMatchObject({
        code: 'PARAMETER_READ_FAILED',
        retryable: true,
        message: `cannot read the token parameter "${PARAMETER}": UnknownError (HTTP 500)`,
      });
      expect(JSON.stringify(error)).not.toContain('SyntaxError');
    } finally {
      await aws.close();
    }
  });

  it.each([
    ['not JSON', 'eyJhbGciOi', /holds an unusable document: the token document is not JSON/],
    ['missing a time', JSON.stringify({ accessToken: 'x'.repeat(40), issuedAt: '2026-11-25T00:00:00Z' }), /expiresAt is not an ISO-8601/],
  ])('rejects a document that is %s with TOKEN_INVALID, without echoing it', async (_case, value, message) => {
    store(value);
    const error = await rejectionOf(setup().getToken());
    expect(error.code).toBe('TOKEN_INVALID');
    expect(error).toMatchObject({ legacyCode: 'TOKEN_DOCUMENT_INVALID' });
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(value);
  });

  it('wraps an injected token source failure as PARAMETER_READ_FAILED with the class name only', async () => {
    const provider = createFaspayTokenProvider({
      parameterName: PARAMETER,
      tokenSource: { read: async () => Promise.reject(new TypeError(`boom ${'secret-token-value'}`)) },
    });
    const error = await rejectionOf(provider.getToken());
    expect(error).toMatchObject({ code: 'PARAMETER_READ_FAILED', message: `reading the token parameter "${PARAMETER}" failed: TypeError` });
  });

  it.each([
    [{ parameterName: '' }, /parameterName is required/],
    [{ parameterName: PARAMETER, tokenSource: { read: async () => undefined }, ssmClient: {} }, /tokenSource and ssmClient are exclusive/],
    [
      { parameterName: PARAMETER, credentialsSecretId: 's', credentials: async () => ({}) },
      /credentials and credentialsSecretId are exclusive/,
    ],
    [{ parameterName: PARAMETER, secretsManagerClient: {} }, /secretsManagerClient is used only to read credentialsSecretId/],
    [{ parameterName: PARAMETER, maxJitterSeconds: -1 }, /maxJitterSeconds must be a number of seconds from 0 to 3600, got -1/],
    [{ parameterName: PARAMETER, timeZone: 'Mars/Olympus' }, /unknown time zone "Mars\/Olympus"/],
  ])('throws CONFIG_INVALID at construction for %o', (options, message) => {
    expect(() => createFaspayTokenProvider(options as unknown as FaspayTokenProviderOptions)).toThrow(message);
  });

  it('never puts a token in an error message or its JSON', async () => {
    const expired = tokenDocument(clock.nowMs() - 11 * HOUR_MS);
    store(expired);
    const errors = [await rejectionOf(setup().getToken())];
    store(serializeBroken(tokenDocument(clock.nowMs())));
    errors.push(await rejectionOf(setup().getToken()));

    const text = errors.map((error) => `${error.message} ${JSON.stringify(error)}`).join('\n');
    expect(errors.map((error) => error.code)).toEqual(['TOKEN_EXPIRED', 'TOKEN_INVALID']);
    expect(findLeaks(text, seenTokens)).toEqual([]);
  });
});

/** A document whose times are out of order (issuedAt after expiresAt). */
function serializeBroken(document: TokenDocument): string {
  return JSON.stringify({
    accessToken: document.accessToken,
    issuedAt: document.expiresAt.toISOString(),
    expiresAt: document.issuedAt.toISOString(),
    refreshAt: document.refreshAt.toISOString(),
  });
}
