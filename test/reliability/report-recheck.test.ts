import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import { REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { FaspayError } from '../../functions/faspay/index.js';
import type { TokenCheck } from '../../functions/refresher/ports.js';
import { createRefresher, type RefreshOrder } from '../../functions/refresher/refresh.js';
import { parseTokenDocument, type TokenGrant } from '../../functions/token/index.js';

/**
 * Verify before buying, when the check cannot tell (issue 15, case 3; report-memory.test.ts has the
 * check itself against moto and the simulator). An inconclusive check confirms the report, but
 * SendMe and the token endpoint tend to be out together: when the first token request fails too,
 * each retry checks the reported token again first, so that a token SendMe accepts once it answers
 * again is not replaced. The soak run met exactly this (busy fleet, seed 4): a misconfigured
 * consumer's report bought a token on the retry that followed the end of an outage.
 */

const START = Date.parse('2026-11-25T00:00:00Z');
const COOLDOWN_S = REFRESHER_SETTINGS.rejectionCooldownSeconds.default;
const REPORT: RefreshOrder = { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: 1 } };
const FORCE: RefreshOrder = { force: true };
const SCHEDULE: RefreshOrder = { force: false, trigger: 'schedule' };
const http500 = () => new FaspayError('FASPAY_HTTP_ERROR', 'HTTP 500', { retryable: true, httpStatus: 500 });

/** A scripted Faspay: token answers and check answers in order; sleeps move the clock. */
function setup() {
  let now = START;
  let issued = 0;
  const tokens: Array<'grant' | 'fail'> = [];
  const checks: TokenCheck[] = [];
  const store = createMemoryTokenStore(() => new Date(now));
  const refresher = createRefresher({
    store,
    issuer: {
      open: async () => ({
        request: async (): Promise<TokenGrant> => {
          if (tokens.shift() === 'fail') throw http500();
          issued++;
          return { accessToken: `tok-${issued}`, expiresInSeconds: 36_000 };
        },
        check: async () => checks.shift() ?? 'refused',
      }),
    },
    clock: () => new Date(now),
    policy: {
      refreshBeforeExpirySeconds: REFRESHER_SETTINGS.refreshBeforeExpirySeconds.default,
      refreshLookaheadSeconds: 0,
      rejectionCooldownSeconds: COOLDOWN_S,
      httpTimeoutMs: REFRESHER_SETTINGS.httpTimeoutMs.default,
      maxAttempts: REFRESHER_SETTINGS.maxAttempts.default,
    },
    sleep: async (ms) => {
      now += ms;
    },
    random: () => 1,
  });
  return {
    run: (order: RefreshOrder) => refresher.refresh(order, { remainingTimeMs: () => 60_000 }),
    at: (seconds: number) => (now += seconds * 1000),
    script: (nextTokens: Array<'grant' | 'fail'>, nextChecks: TokenCheck[]) => {
      tokens.push(...nextTokens);
      checks.push(...nextChecks);
    },
    issued: () => issued,
    storedToken: async () => parseTokenDocument((await store.read())!.value).accessToken,
    checksLeft: () => checks.length,
  };
}

describe('a report whose check was inconclusive', () => {
  it('is refuted by the check before the retry when SendMe answers again: nothing is bought', async () => {
    const world = setup();
    await world.run(FORCE);
    world.at(600);
    // SendMe and the token endpoint out for the check and the first request, both back for the retry.
    world.script(['fail', 'grant'], ['inconclusive', 'accepted']);

    const result = await world.run(REPORT);

    expect(result).toMatchObject({
      ok: true,
      summary: { refreshed: false, reason: 'refuted', parameterVersion: 1 },
      reportCheck: 'accepted',
    });
    expect(result.attempts).toBe(1);
    expect(world.issued()).toBe(1);
  });

  it('stands while the checks stay inconclusive, as the rule says: the retry buys the replacement', async () => {
    const world = setup();
    await world.run(FORCE);
    world.at(600);
    world.script(['fail', 'grant'], ['inconclusive', 'inconclusive']);

    const result = await world.run(REPORT);

    expect(result).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'rejected' }, reportCheck: 'inconclusive', attempts: 2 });
    expect(world.issued()).toBe(2);
    expect(world.checksLeft()).toBe(0);
  });

  it('is not checked again when its check said refused: one check per report, whatever the retries', async () => {
    const world = setup();
    await world.run(FORCE);
    world.at(600);
    world.script(['fail', 'fail', 'grant'], ['refused', 'accepted']);

    const result = await world.run(REPORT);

    expect(result).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'rejected' }, reportCheck: 'refused', attempts: 3 });
    expect(world.checksLeft()).toBe(1);
  });

  it('made due by a failed replacement: the scheduled run that re-checks it gives the token its schedule back', async () => {
    const world = setup();
    const forced = await world.run(FORCE);
    world.at(600);
    // The report's run: nothing answers; the token is left due.
    world.script(['fail', 'fail', 'fail'], ['inconclusive', 'inconclusive', 'inconclusive']);
    expect(await world.run(REPORT)).toMatchObject({ ok: false, reason: 'rejected' });
    // The next scheduled run: still out for its check and first request, back for the retry.
    world.at(COOLDOWN_S);
    world.script(['fail', 'grant'], ['inconclusive', 'accepted']);

    const result = await world.run(SCHEDULE);

    expect(result).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'verified' }, reportCheck: 'accepted' });
    expect(result.ok && result.summary.refreshAt).toBe(forced.ok && forced.summary.refreshAt);
    expect(world.issued()).toBe(1);
    expect(await world.storedToken()).toBe('tok-1');
  });
});
