import { describe, expect, it } from 'vitest';
import { parseTokenDocument } from '../../functions/token/index.js';
import { lambdaContext, readParameter } from '../support/refresher-harness.js';
import { loggedRetryDelays, RETRY_MESSAGE, SCHEDULED_EVENT } from './support/invocations.js';
import { useWorld } from './support/lifecycle.js';
import { ALL_FAULT_SCENARIOS } from './support/scenarios.js';
import { seedDueDocument, storeRaw } from './support/world.js';

/**
 * The refresher's promise under faults, checked one fault at a time against the real handler, real
 * AWS SDK clients (moto behind a fault proxy) and the Faspay simulator: reject with the stable code,
 * leave the stored token exactly as it was, retry what is transient (with growing backoff) and
 * nothing else, and never write a secret anywhere.
 */

// Math.random drives both the refresher's and the AWS SDK's jitter: fixing it makes the backoff
// delays exact (refresher: 500 ms × 2^(n-1) × 0.2) and keeps the suite fast.
const JITTER = 0.2;
const EXPECTED_REFRESHER_DELAYS = [100, 200];

const ctx = useWorld({ jitter: JITTER });

describe.each(ALL_FAULT_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('fault: %s', (_name, scenario) => {
  it(`rejects with ${scenario.code}, tries ${scenario.attempts} time(s) and leaves the stored token untouched`, async () => {
    // GIVEN a token that is due for refresh, and the fault for as long as it lasts
    const before = await seedDueDocument(ctx.world);
    const handler = await ctx.coldStart(scenario.env?.(ctx.world));
    await scenario.arm(ctx.world, Number.POSITIVE_INFINITY, ctx.output);
    const requestsBefore = scenario.requests(ctx.world);

    // WHEN the schedule fires
    const outcome = await ctx.evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext());

    // THEN
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe(scenario.code);
    expect(outcome.error.retryable).toBe(scenario.kind === 'transient');
    expect(await readParameter(ctx.world.moto)).toEqual(before);
    const requests = scenario.requests(ctx.world);
    if (requests !== undefined) expect(requests - requestsBefore!).toBe(scenario.attempts);
    const retryLines = ctx.output.jsonLines().filter((line) => line.message === RETRY_MESSAGE).length;
    const faspayRetries = scenario.name.startsWith('Faspay') ? scenario.attempts - 1 : 0;
    expect(retryLines).toBe(faspayRetries);
    expect(ctx.output.jsonLines().find((line) => line.message === 'token refresh failed')).toMatchObject({
      level: 'ERROR',
      errorCode: scenario.code,
      // A failed first read happens before any decision, so there is no reason to report.
      ...(scenario.code === 'PARAMETER_READ_FAILED' ? {} : { reason: 'due' }),
    });
  });

  if (scenario.kind === 'transient') {
    it('retries with backoff and publishes a new token once the fault clears', async () => {
      // GIVEN the fault for all but the last attempt
      const before = await seedDueDocument(ctx.world);
      const handler = await ctx.coldStart(scenario.env?.(ctx.world));
      await scenario.arm(ctx.world, scenario.attempts - 1, ctx.output);
      const requestsBefore = scenario.requests(ctx.world);

      // WHEN the schedule fires
      const outcome = await ctx.evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext());

      // THEN
      expect(outcome).toMatchObject({ ok: true, result: { refreshed: true, reason: 'due', parameterVersion: before.version + 1 } });
      const after = await readParameter(ctx.world.moto);
      expect(parseTokenDocument(after!.value).accessToken).toBe(ctx.world.issuedTokens.at(-1));
      const requests = scenario.requests(ctx.world);
      if (requests !== undefined) expect(requests - requestsBefore!).toBeGreaterThanOrEqual(scenario.attempts);
      if (scenario.name.startsWith('Faspay')) expect(loggedRetryDelays(ctx.output)).toEqual(EXPECTED_REFRESHER_DELAYS);
    });
  }
});

describe('fault: the stored document is corrupt', () => {
  const hour = 3_600_000;
  const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
  const corrupt: Array<[string, (seedToken: string) => string]> = [
    ['truncated JSON', (token) => `{"accessToken":"${token.slice(0, 40)}`],
    ['a JSON array', () => '[1,2,3]'],
    ['no accessToken', () => JSON.stringify({ issuedAt: iso(-hour), expiresAt: iso(hour), refreshAt: iso(0) })],
    [
      'times out of order',
      (token) => JSON.stringify({ accessToken: token, issuedAt: iso(hour), expiresAt: iso(-hour), refreshAt: iso(0) }),
    ],
    [
      'times that are not ISO-8601 UTC',
      (token) => JSON.stringify({ accessToken: token, issuedAt: 'yesterday', expiresAt: 'tomorrow', refreshAt: 'soon' }),
    ],
  ];

  it.each(corrupt)('treats %s as invalid and replaces it with a fresh token on the next scheduled run', async (_what, makeValue) => {
    // GIVEN a corrupt value that even carries a real-looking token
    const seeded = await seedDueDocument(ctx.world);
    const seedToken = parseTokenDocument(seeded.value).accessToken;
    await storeRaw(ctx.world, makeValue(seedToken));
    const handler = await ctx.coldStart();
    const requestsBefore = ctx.world.simulator.tokenRequests();

    // WHEN the schedule fires
    const outcome = await ctx.evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext());

    // THEN the run refreshed because the document was invalid, and what is stored now is valid
    expect(outcome).toMatchObject({ ok: true, result: { refreshed: true, reason: 'invalid', parameterVersion: seeded.version + 2 } });
    const stored = await readParameter(ctx.world.moto);
    const document = parseTokenDocument(stored!.value);
    expect(document.accessToken).toBe(ctx.world.issuedTokens.at(-1));
    expect(document.expiresAt.getTime()).toBeGreaterThan(Date.now() + 9 * hour);
    expect(ctx.world.simulator.tokenRequests() - requestsBefore).toBe(1);
  });
});

describe('fault: the invocation is running out of time', () => {
  it('refuses to start a token request when less than the minimum attempt time is left', async () => {
    const before = await seedDueDocument(ctx.world);
    const handler = await ctx.coldStart();
    const requestsBefore = ctx.world.simulator.tokenRequests();

    const outcome = await ctx.evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext(3500));

    expect(outcome).toMatchObject({ ok: false, error: { code: 'TIME_BUDGET_EXHAUSTED', retryable: true } });
    expect(ctx.world.simulator.tokenRequests()).toBe(requestsBefore);
    expect(await readParameter(ctx.world.moto)).toEqual(before);
  });

  it('does not start another attempt when the time left after the backoff would not cover one', async () => {
    // GIVEN 5 s left until the first request, 3.9 s after it: 3.9 s - 3 s kept for SSM - 0.1 s backoff < 1 s
    const before = await seedDueDocument(ctx.world);
    const handler = await ctx.coldStart();
    ctx.world.simulator.setFault('http-500');
    const requestsBefore = ctx.world.simulator.tokenRequests();
    const context = {
      ...lambdaContext(),
      getRemainingTimeInMillis: () => (ctx.world.simulator.tokenRequests() > requestsBefore ? 3900 : 5000),
    };

    const outcome = await ctx.evidence.invoke(handler, SCHEDULED_EVENT, context);

    expect(outcome).toMatchObject({ ok: false, error: { code: 'FASPAY_HTTP_ERROR', retryable: true } });
    expect(ctx.world.simulator.tokenRequests() - requestsBefore).toBe(1);
    expect(loggedRetryDelays(ctx.output)).toEqual([]);
    expect(await readParameter(ctx.world.moto)).toEqual(before);
  });
});
