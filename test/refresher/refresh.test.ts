import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import { REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { FaspayError } from '../../functions/faspay/index.js';
import type { TokenIssuer } from '../../functions/refresher/ports.js';
import { createRefresher, type RefresherDependencies } from '../../functions/refresher/refresh.js';
import {
  createTokenDocument,
  parseTokenDocument,
  serializeTokenDocument,
  type TokenGrant,
  type TokenStore,
  tokenStateOf,
} from '../../functions/token/index.js';

/** A token issuer from one function per request (the protocol is the adapter's, not the use case's). */
function issuerOf(request: (requestedAt: Date, timeoutMs: number) => Promise<TokenGrant>): TokenIssuer {
  return { open: async () => ({ request }) };
}

const START = new Date('2026-11-25T00:00:00Z');
/** The function's declared defaults (no schedule lookahead). */
const POLICY = {
  refreshBeforeExpirySeconds: REFRESHER_SETTINGS.refreshBeforeExpirySeconds.default,
  refreshLookaheadSeconds: REFRESHER_SETTINGS.refreshLookaheadSeconds.default,
  rejectionCooldownSeconds: REFRESHER_SETTINGS.rejectionCooldownSeconds.default,
  httpTimeoutMs: REFRESHER_SETTINGS.httpTimeoutMs.default,
  maxAttempts: REFRESHER_SETTINGS.maxAttempts.default,
};

/** A fake world: a settable clock, a scripted Faspay, sleeps that advance the clock. */
function setup(script: Array<TokenGrant | FaspayError>, overrides: Partial<RefresherDependencies> = {}, attemptMs = 0) {
  let now = START.getTime();
  const calls: Array<{ at: number; timeoutMs: number }> = [];
  const sleeps: number[] = [];
  const issuer = issuerOf(async (requestedAt, timeoutMs) => {
    calls.push({ at: requestedAt.getTime(), timeoutMs });
    now += attemptMs;
    const next = script.shift() ?? new Error('script exhausted');
    if (next instanceof Error) throw next;
    return next;
  });
  const store = createMemoryTokenStore(() => new Date(now));
  const refresher = createRefresher({
    store,
    issuer,
    clock: () => new Date(now),
    policy: POLICY,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 1,
    ...overrides,
  });
  return {
    refresher,
    store,
    calls,
    sleeps,
    advance: (ms: number) => (now += ms),
    deadlineIn: (ms: number) => ({ remainingTimeMs: () => START.getTime() + ms - now }),
  };
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
    expect(result).toMatchObject({
      ok: true,
      tokenRemainingSeconds: 36000,
      summary: { refreshed: true, reason: 'invalid', parameterVersion: 2 },
    });
    expect(parseTokenDocument((await store.read())!.value).accessToken).toBe('tok-new');
  });

  /** A Faspay whose answer arrives after another run published a token issued a second later. */
  function racingFaspay(getStore: () => TokenStore): TokenIssuer {
    return issuerOf(async (requestedAt) => {
      const later = createTokenDocument(grant('tok-other'), new Date(requestedAt.getTime() + 1000), 7200);
      await getStore().write(serializeTokenDocument(later));
      return grant('tok-mine');
    });
  }

  it('keeps a token issued later that a concurrent run stored meanwhile, on a run nobody forced', async () => {
    let store!: TokenStore;
    const world = setup([], { issuer: racingFaspay(() => store) });
    store = world.store;
    const result = await world.refresher.refresh({ force: false, trigger: 'schedule' }, world.deadlineIn(60_000));
    expect(result).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'superseded', parameterVersion: 1 } });
    expect(parseTokenDocument((await store.read())!.value).accessToken).toBe('tok-other');
  });

  it('always publishes what a forced run obtained', async () => {
    let store!: TokenStore;
    const world = setup([], { issuer: racingFaspay(() => store) });
    store = world.store;
    const result = await world.refresher.refresh({ force: true }, world.deadlineIn(60_000));
    expect(result).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'forced', parameterVersion: 2 } });
    expect(parseTokenDocument((await store.read())!.value).accessToken).toBe('tok-mine');
  });

  it('replaces a planted document claiming an expiry in 2099, on a scheduled run and on a force', async () => {
    // GIVEN a document issued in 2020 that claims to expire in 2099
    const { refresher, store, deadlineIn } = setup([grant('tok-a'), grant('tok-b')]);
    await store.write(
      JSON.stringify({
        accessToken: 'planted',
        issuedAt: '2020-01-01T00:00:00Z',
        expiresAt: '2099-01-01T00:00:00Z',
        refreshAt: '2098-12-31T22:00:00Z',
      }),
    );
    // WHEN a scheduled run and then a force run
    const scheduled = await refresher.refresh({ force: false, trigger: 'schedule' }, deadlineIn(60_000));
    const forced = await refresher.refresh({ force: true }, deadlineIn(60_000));
    // THEN both publish
    expect(scheduled).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'invalid', parameterVersion: 2 } });
    expect(forced).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'forced', parameterVersion: 3 } });
    expect(parseTokenDocument((await store.read())!.value).accessToken).toBe('tok-b');
  });

  it('counts a document issued more than 5 minutes in the future as invalid', async () => {
    const { refresher, store, deadlineIn } = setup([grant('tok-new')]);
    const future = createTokenDocument(grant('from-the-future'), new Date(START.getTime() + 6 * 60_000), 7200);
    await store.write(serializeTokenDocument(future));
    const result = await refresher.refresh({ force: false, trigger: 'schedule' }, deadlineIn(60_000));
    expect(result).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'invalid' } });
  });

  it('refuses a token whose document does not fit the store, storing nothing and not retrying', async () => {
    const { refresher, store, calls, deadlineIn } = setup([grant('x'.repeat(4000)), grant()], { maxValueBytes: 4096 });
    const result = await refresher.refresh({ force: false }, deadlineIn(60_000));
    expect(!result.ok && result.error.code).toBe('TOKEN_TOO_LARGE');
    expect(!result.ok && result.error.message).not.toContain('xxxx');
    expect(calls).toHaveLength(1);
    expect(await store.read()).toBeUndefined();
  });

  it('counts bytes, not characters, against the store limit', async () => {
    const { refresher, deadlineIn } = setup([grant('é'.repeat(2000))], { maxValueBytes: 4096 });
    const result = await refresher.refresh({ force: false }, deadlineIn(60_000));
    expect(!result.ok && result.error.code).toBe('TOKEN_TOO_LARGE');
  });

  it('refreshes the reported version once it is older than the cooldown, and ignores reports about older versions', async () => {
    const { refresher, store, calls, advance, deadlineIn } = setup([grant('tok-new')]);
    await store.write(serializeTokenDocument(createTokenDocument(grant('tok-old'), START, 7200)));
    advance(61_000);
    const rejected = await refresher.refresh(
      { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: 1 } },
      deadlineIn(600_000),
    );
    const again = await refresher.refresh(
      { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: 1 } },
      deadlineIn(600_000),
    );
    const tooSoon = await refresher.refresh(
      { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: 2 } },
      deadlineIn(600_000),
    );
    expect(rejected).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'rejected', parameterVersion: 2 } });
    expect(again).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'report-outdated', parameterVersion: 2 } });
    // The report inside the cooldown is remembered: the same token stored again, due when the cooldown ends.
    expect(tooSoon).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'cooldown', parameterVersion: 3 } });
    const remembered = tokenStateOf(await store.read(), new Date(START.getTime() + 61_000));
    expect(remembered).toMatchObject({
      kind: 'valid',
      document: { accessToken: 'tok-new', refreshAt: new Date(START.getTime() + 121_000) },
    });
    expect(calls).toHaveLength(1);
  });

  it('makes a rejected token due when its replacement fails, once, so the next scheduled run replaces it', async () => {
    // GIVEN a fresh token that consumers report rejected while Faspay is down
    const { refresher, store, advance, deadlineIn } = setup([unauthorized(), unauthorized(), grant('tok-new')]);
    await store.write(serializeTokenDocument(createTokenDocument(grant('tok-old'), START, 7200)));
    advance(3_600_000);
    const report = (parameterVersion: number) =>
      refresher.refresh({ force: false, trigger: 'rejection', tokenRejected: { parameterVersion } }, deadlineIn(10 * 3_600_000));

    // WHEN the report's refresh fails, and a report about the re-stored version fails too
    const failed = await report(1);
    const markedDue = tokenStateOf(await store.read(), new Date(START.getTime() + 3_600_000));
    const failedAgain = await report(2);

    // THEN the same token is stored once more, due now; the second failure changes nothing
    expect(failed).toMatchObject({ ok: false, reason: 'rejected' });
    expect(markedDue).toMatchObject({
      kind: 'valid',
      version: 2,
      document: { accessToken: 'tok-old', refreshAt: new Date(START.getTime() + 3_600_000) },
    });
    expect(failedAgain).toMatchObject({ ok: false, reason: 'rejected' });
    expect((await store.read())!.version).toBe(2);
    // AND the next scheduled run, with Faspay back, replaces it
    const scheduled = await refresher.refresh({ force: false, trigger: 'schedule' }, deadlineIn(10 * 3_600_000));
    expect(scheduled).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'due', parameterVersion: 3 } });
  });

  it('does not replace a short-lived token again on a duplicate delivery within the same interval', async () => {
    // GIVEN 20-minute tokens on a 15-minute schedule (refreshAt is 10 minutes after issue)
    const short = { accessToken: 'short', expiresInSeconds: 1200 };
    const { refresher, calls, advance, deadlineIn } = setup([short, short], {
      policy: { ...POLICY, refreshLookaheadSeconds: 900 },
    });
    const scheduled = () => refresher.refresh({ force: false, trigger: 'schedule' }, deadlineIn(3_600_000));
    // WHEN the run and its duplicate arrive a minute apart, then the next interval's run
    const first = await scheduled();
    advance(60_000);
    const duplicate = await scheduled();
    advance(14 * 60_000);
    const next = await scheduled();
    // THEN one token per interval
    expect([first, duplicate, next].map((result) => result.ok && result.summary.reason)).toEqual(['missing', 'fresh', 'due']);
    expect(calls).toHaveLength(2);
  });

  it('reports the remaining lifetime of the kept token when a refresh fails', async () => {
    const { refresher, store, advance, deadlineIn } = setup([unauthorized()]);
    await store.write(serializeTokenDocument(createTokenDocument(grant(), START, 7200)));
    advance(9 * 3600 * 1000);
    const result = await refresher.refresh({ force: false }, deadlineIn(10 * 3600 * 1000));
    expect(result).toMatchObject({ ok: false, reason: 'due', tokenRemainingSeconds: 3600 });
  });
});
