import { describe, expect, it } from 'vitest';
import type { FaspayTokenClient } from '../../functions/adapters/faspay-http.js';
import { createMemoryTokenStore, type TokenStore } from '../../functions/adapters/parameter-store.js';
import { staticCredentialsSource } from '../../functions/adapters/secrets.js';
import { FaspayError, type TokenGrant } from '../../functions/faspay/index.js';
import { createRefresher, type RefresherDependencies } from '../../functions/refresher/refresh.js';
import { createTokenDocument, parseTokenDocument, serializeTokenDocument } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';

const START = new Date('2026-11-25T00:00:00Z');

/** A fake world: a settable clock, a scripted Faspay, sleeps that advance the clock. */
function setup(script: Array<TokenGrant | FaspayError>, overrides: Partial<RefresherDependencies> = {}, attemptMs = 0) {
  let now = START.getTime();
  const calls: Array<{ at: number; timeoutMs: number }> = [];
  const sleeps: number[] = [];
  const faspay: FaspayTokenClient = {
    async requestToken(_signer, requestedAt, timeoutMs) {
      calls.push({ at: requestedAt.getTime(), timeoutMs });
      now += attemptMs;
      const next = script.shift() ?? new Error('script exhausted');
      if (next instanceof Error) throw next;
      return next;
    },
  };
  const store = createMemoryTokenStore(() => new Date(now));
  const refresher = createRefresher({
    credentials: staticCredentialsSource(DEMO_CREDENTIALS),
    store,
    faspay,
    clock: () => new Date(now),
    policy: { refreshBeforeExpirySeconds: 7200, httpTimeoutMs: 8000, maxAttempts: 3 },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 1,
    ...overrides,
  });
  return { refresher, store, calls, sleeps, advance: (ms: number) => (now += ms), deadlineIn: (ms: number) => ({ remainingTimeMs: () => START.getTime() + ms - now }) };
}

const grant = (token = 'tok-1'): TokenGrant => ({ accessToken: token, expiresInSeconds: 36000 });
const http500 = () => new FaspayError('FASPAY_HTTP_ERROR', 'HTTP 500', { retryable: true, httpStatus: 500 });
const unauthorized = () => new FaspayError('FASPAY_UNAUTHORIZED', 'Unauthorized');

describe('createRefresher', () => {
  it('backs off exponentially between transient failures and succeeds when they clear', async () => {
    const { refresher, calls, sleeps, deadlineIn } = setup([http500(), http500(), grant()]);
    const result = await refresher.refresh({ force: false }, deadlineIn(60_000));
    expect(result).toMatchObject({ ok: true, attempts: 3, summary: { refreshed: true, reason: 'missing' } });
    expect(sleeps).toEqual([500, 1000]);
    // Each attempt signs with its own, current timestamp.
    expect(calls.map((call) => call.at - START.getTime())).toEqual([0, 500, 1500]);
  });

  it('gives up after maxAttempts with the last error and stores nothing', async () => {
    const { refresher, store, deadlineIn } = setup([http500(), http500(), http500(), grant()]);
    const result = await refresher.refresh({ force: false }, deadlineIn(60_000));
    expect(result).toMatchObject({ ok: false, attempts: 3, reason: 'missing', tokenRemainingSeconds: 0 });
    expect(!result.ok && result.error.code).toBe('FASPAY_HTTP_ERROR');
    expect(await store.read()).toBeUndefined();
  });

  it('does not retry a permanent failure', async () => {
    const { refresher, calls, deadlineIn } = setup([unauthorized(), grant()]);
    const result = await refresher.refresh({ force: false }, deadlineIn(60_000));
    expect(!result.ok && result.error.code).toBe('FASPAY_UNAUTHORIZED');
    expect(calls).toHaveLength(1);
  });

  it('shortens the HTTP timeout to the time left and stops when no attempt fits', async () => {
    const { refresher, calls, deadlineIn } = setup([http500(), grant()], {}, 1500);
    // 5 s left: one attempt of at most 2 s (3 s kept for SSM) that fails after 1.5 s; the 0.5 s
    // backoff would leave no second for another attempt.
    const result = await refresher.refresh({ force: false }, deadlineIn(5000));
    expect(calls.map((call) => call.timeoutMs)).toEqual([2000]);
    expect(!result.ok && result.error.code).toBe('FASPAY_HTTP_ERROR');
  });

  it('refuses to start a request with too little time left', async () => {
    const { refresher, calls, deadlineIn } = setup([grant()]);
    const result = await refresher.refresh({ force: false }, deadlineIn(3500));
    expect(!result.ok && result.error.code).toBe('TIME_BUDGET_EXHAUSTED');
    expect(calls).toHaveLength(0);
  });

  it('refreshes a corrupt stored document and reports the healthy remaining lifetime', async () => {
    const { refresher, store, deadlineIn } = setup([grant('tok-new')]);
    await store.write('{"accessToken": 42}');
    const result = await refresher.refresh({ force: false }, deadlineIn(60_000));
    expect(result).toMatchObject({ ok: true, tokenRemainingSeconds: 36000, summary: { refreshed: true, reason: 'invalid', parameterVersion: 2 } });
    expect(parseTokenDocument((await store.read())!.value).accessToken).toBe('tok-new');
  });

  it('keeps a longer-lived token that a concurrent run stored meanwhile', async () => {
    let store!: TokenStore;
    const racing: FaspayTokenClient = {
      async requestToken(_signer, requestedAt) {
        // While this request is in flight, another run publishes a token issued later.
        const later = createTokenDocument(grant('tok-other'), new Date(requestedAt.getTime() + 1000), 7200);
        await store.write(serializeTokenDocument(later));
        return grant('tok-mine');
      },
    };
    const world = setup([], { faspay: racing });
    store = world.store;
    const result = await world.refresher.refresh({ force: true }, world.deadlineIn(60_000));
    expect(result).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'superseded', parameterVersion: 1 } });
    expect(parseTokenDocument((await store.read())!.value).accessToken).toBe('tok-other');
  });

  it('reports the remaining lifetime of the kept token when a refresh fails', async () => {
    const { refresher, store, advance, deadlineIn } = setup([unauthorized()]);
    await store.write(serializeTokenDocument(createTokenDocument(grant(), START, 7200)));
    advance(9 * 3600 * 1000);
    const result = await refresher.refresh({ force: false }, deadlineIn(10 * 3600 * 1000));
    expect(result).toMatchObject({ ok: false, reason: 'due', tokenRemainingSeconds: 3600 });
  });
});
