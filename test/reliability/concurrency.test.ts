import { describe, expect, it } from 'vitest';
import { parseTokenDocument } from '../../functions/token/index.js';
import { lambdaContext, readParameter } from '../support/refresher-harness.js';
import { FORCED_EVENT, SCHEDULED_EVENT } from './support/invocations.js';
import { useWorld } from './support/lifecycle.js';
import { seedDueDocument } from './support/world.js';

/**
 * SSM has no conditional write, so two runs can overlap (the schedule and an operator's forced
 * refresh, or a duplicated asynchronous delivery). The refresher re-reads just before writing and
 * never replaces a longer-lived token (functions/token/refresh-decision.ts shouldPublish); these
 * tests race real handlers, each in its own "container" (module instance), to show the outcome.
 */

const SLOW_MS = 2000;
/**
 * Runs that start together request their tokens within the same second or the next one. Between
 * one run's re-read and its write, the other can still write (no conditional write in SSM), so the
 * stored expiry can trail the newest by at most that one second: never an invalid or expired token.
 */
const RESIDUAL_WINDOW_MS = 1000;

const ctx = useWorld({ slowMs: SLOW_MS });

/** Two cold starts: two containers that share nothing but SSM, Secrets Manager and Faspay. */
async function twoContainers() {
  const env = { FASPAY_HTTP_TIMEOUT_MS: String(SLOW_MS + 2000) };
  return [await ctx.coldStart(env), await ctx.coldStart(env)] as const;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Waits into the next wall-clock second: token times are whole seconds, so later means a later second. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

describe('two refreshes racing', () => {
  it('keeps the newer token when a forced refresh overtakes a slow scheduled one', async () => {
    // GIVEN a due token, and a scheduled run whose token answer is slow
    const seeded = await seedDueDocument(ctx.world);
    const [scheduledContainer, forcedContainer] = await twoContainers();
    ctx.world.simulator.failNext('slow');
    const requestsBefore = ctx.world.simulator.tokenRequests();

    // WHEN an operator forces a refresh (a second later) while the scheduled run waits for Faspay
    const scheduled = ctx.evidence.invoke(scheduledContainer, SCHEDULED_EVENT, lambdaContext());
    await until(() => ctx.world.simulator.tokenRequests() > requestsBefore);
    await nextSecond();
    const forced = await ctx.evidence.invoke(forcedContainer, FORCED_EVENT, lambdaContext());
    const late = await scheduled;

    // THEN the forced token (requested later, so it lives longer) is stored once, and the scheduled
    // run, finding it on its re-read, keeps it instead of publishing its older token
    expect(forced).toMatchObject({ ok: true, result: { refreshed: true, reason: 'forced', parameterVersion: seeded.version + 1 } });
    expect(late).toMatchObject({ ok: true, result: { refreshed: false, reason: 'superseded', parameterVersion: seeded.version + 1 } });
    const stored = await readParameter(ctx.world.moto);
    expect(stored!.version).toBe(seeded.version + 1);
    const document = parseTokenDocument(stored!.value);
    // The slow answer's token is issued last (after the delay); the forced one just before it.
    const [forcedToken, slowToken] = ctx.world.issuedTokens.slice(-2);
    expect(document.accessToken).toBe(forcedToken);
    expect(document.accessToken).not.toBe(slowToken);
    expect(forced.ok && forced.result.expiresAt).toBe(document.expiresAt.toISOString());
  });

  it('leaves one valid document with the newest expiry when a scheduled and a forced run start together', async () => {
    const seeded = await seedDueDocument(ctx.world);
    const [a, b] = await twoContainers();

    const outcomes = await Promise.all([ctx.evidence.invoke(a, SCHEDULED_EVENT, lambdaContext()), ctx.evidence.invoke(b, FORCED_EVENT, lambdaContext())]);

    const summaries = outcomes.map((outcome) => (outcome.ok ? outcome.result : expect.fail('a racing run failed')));
    const stored = await readParameter(ctx.world.moto);
    const document = parseTokenDocument(stored!.value);
    const newest = Math.max(...summaries.map((summary) => Date.parse(String(summary.expiresAt))));
    expect(newest - document.expiresAt.getTime()).toBeLessThanOrEqual(RESIDUAL_WINDOW_MS);
    expect(ctx.world.issuedTokens).toContain(document.accessToken);
    expect(stored!.version - seeded.version).toBeGreaterThanOrEqual(1);
    expect(stored!.version - seeded.version).toBeLessThanOrEqual(2);
  });
});

describe('a duplicated scheduled delivery', () => {
  it('requests no second token when the duplicate arrives after the first run', async () => {
    // GIVEN a due token and one scheduled event delivered twice, to two containers
    const seeded = await seedDueDocument(ctx.world);
    const [first, duplicate] = await twoContainers();
    const requestsBefore = ctx.world.simulator.tokenRequests();
    const secretReadsBefore = ctx.world.aws.calls('SecretsManager.GetSecretValue');

    const original = await ctx.evidence.invoke(first, SCHEDULED_EVENT, lambdaContext());
    const again = await ctx.evidence.invoke(duplicate, SCHEDULED_EVENT, lambdaContext());

    expect(original).toMatchObject({ ok: true, result: { refreshed: true, reason: 'due', parameterVersion: seeded.version + 1 } });
    expect(again).toMatchObject({ ok: true, result: { refreshed: false, reason: 'fresh', parameterVersion: seeded.version + 1 } });
    expect(ctx.world.simulator.tokenRequests() - requestsBefore).toBe(1);
    expect(ctx.world.aws.calls('SecretsManager.GetSecretValue') - secretReadsBefore).toBe(1);
  });

  it('may request two tokens when both copies arrive at once, but stores a valid newest token', async () => {
    // Without a lock (SSM has no conditional write) overlapping copies both see the token as due;
    // the re-read keeps the outcome correct and bounds the waste to one extra token request.
    const seeded = await seedDueDocument(ctx.world);
    const [a, b] = await twoContainers();
    const requestsBefore = ctx.world.simulator.tokenRequests();

    const outcomes = await Promise.all([ctx.evidence.invoke(a, SCHEDULED_EVENT, lambdaContext()), ctx.evidence.invoke(b, SCHEDULED_EVENT, lambdaContext())]);

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const requests = ctx.world.simulator.tokenRequests() - requestsBefore;
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThanOrEqual(2);
    const stored = await readParameter(ctx.world.moto);
    const document = parseTokenDocument(stored!.value);
    expect(ctx.world.issuedTokens.slice(-requests)).toContain(document.accessToken);
    const newest = Math.max(...outcomes.map((outcome) => (outcome.ok ? Date.parse(String(outcome.result.expiresAt)) : 0)));
    expect(newest - document.expiresAt.getTime()).toBeLessThanOrEqual(RESIDUAL_WINDOW_MS);
    expect(stored!.version - seeded.version).toBeGreaterThanOrEqual(1);
    expect(stored!.version - seeded.version).toBeLessThanOrEqual(requests);
  });
});
