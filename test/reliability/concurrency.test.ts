import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { leaseParameterName } from '../../functions/contracts/settings.js';
import { parseTokenDocument } from '../../functions/token/index.js';
import { lambdaContext, PARAMETER_NAME, readParameter } from '../support/refresher-harness.js';
import { FORCED_EVENT, SCHEDULED_EVENT } from './support/invocations.js';
import { useWorld } from './support/lifecycle.js';
import { seedDueDocument } from './support/world.js';

/**
 * One refresh at a time per parameter, across containers: a lease in Parameter Store
 * (functions/adapters/parameter-lease.ts). These tests race real handlers, each in its own
 * "container" (module instance), sharing nothing but moto, Secrets Manager and the simulator.
 */

const SLOW_MS = 2000;
const LEASE_NAME = leaseParameterName(PARAMETER_NAME);

const ctx = useWorld({ slowMs: SLOW_MS });

async function containers(count: number) {
  const env = { FASPAY_HTTP_TIMEOUT_MS: String(SLOW_MS + 2000) };
  const started = [];
  for (let index = 0; index < count; index++) started.push(await ctx.coldStart(env));
  return started;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function leaseExists(): Promise<boolean> {
  try {
    await new SSMClient(ctx.world.moto.clientConfig).send(new GetParameterCommand({ Name: LEASE_NAME }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return false;
    throw error;
  }
}

async function plantLease(expiresAt: Date): Promise<void> {
  const value = JSON.stringify({ holder: 'crashed-run', expiresAt: expiresAt.toISOString() });
  await new SSMClient(ctx.world.moto.clientConfig).send(new PutParameterCommand({ Name: LEASE_NAME, Value: value, Type: 'String' }));
}

describe('two refreshes racing', () => {
  it('a forced refresh during a slow scheduled one waits for it and resolves with the token it stored', async () => {
    // GIVEN a due token, and a scheduled run whose token answer is slow
    const seeded = await seedDueDocument(ctx.world);
    const [scheduledContainer, forcedContainer] = await containers(2);
    ctx.world.simulator.failNext('slow');
    const requestsBefore = ctx.world.simulator.tokenRequests();

    // WHEN an operator forces a refresh while the scheduled run waits for Faspay
    const scheduled = ctx.evidence.invoke(scheduledContainer!, SCHEDULED_EVENT, lambdaContext());
    await until(() => ctx.world.simulator.tokenRequests() > requestsBefore);
    const forced = await ctx.evidence.invoke(forcedContainer!, FORCED_EVENT, lambdaContext());
    const first = await scheduled;

    // THEN one token was requested, stored once, and the force resolved with it instead of rejecting
    expect(ctx.world.simulator.tokenRequests() - requestsBefore).toBe(1);
    expect(first).toMatchObject({ ok: true, result: { refreshed: true, reason: 'due', parameterVersion: seeded.version + 1 } });
    expect(forced).toMatchObject({ ok: true, result: { refreshed: false, reason: 'joined', parameterVersion: seeded.version + 1 } });
    const stored = await readParameter(ctx.world.moto);
    expect(stored!.version).toBe(seeded.version + 1);
    expect(parseTokenDocument(stored!.value).accessToken).toBe(ctx.world.issuedTokens.at(-1));
    expect(await leaseExists()).toBe(false);
  });

  it('three concurrent forces make one token request at a time and all resolve', async () => {
    const seeded = await seedDueDocument(ctx.world);
    const forces = await containers(3);
    ctx.world.simulator.failNext('slow');
    const requestsBefore = ctx.world.simulator.tokenRequests();

    const outcomes = await Promise.all(forces.map((handler) => ctx.evidence.invoke(handler, FORCED_EVENT, lambdaContext())));

    const summaries = outcomes.map((outcome) => (outcome.ok ? outcome.result : expect.fail(`a force rejected: ${outcome.error.code}`)));
    expect(ctx.world.simulator.tokenRequests() - requestsBefore).toBe(1);
    expect(summaries.filter((summary) => summary.refreshed)).toHaveLength(1);
    expect(summaries.filter((summary) => summary.reason === 'joined')).toHaveLength(2);
    const stored = await readParameter(ctx.world.moto);
    expect(stored!.version).toBe(seeded.version + 1);
    for (const summary of summaries) expect(summary.parameterVersion).toBe(stored!.version);
    expect(parseTokenDocument(stored!.value).accessToken).toBe(ctx.world.issuedTokens.at(-1));
  });

  it('a scheduled and a forced run started together request one token and both resolve', async () => {
    const seeded = await seedDueDocument(ctx.world);
    const [a, b] = await containers(2);
    const requestsBefore = ctx.world.simulator.tokenRequests();

    const outcomes = await Promise.all([
      ctx.evidence.invoke(a!, SCHEDULED_EVENT, lambdaContext()),
      ctx.evidence.invoke(b!, FORCED_EVENT, lambdaContext()),
    ]);

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(ctx.world.simulator.tokenRequests() - requestsBefore).toBe(1);
    const stored = await readParameter(ctx.world.moto);
    expect(stored!.version).toBe(seeded.version + 1);
    expect(parseTokenDocument(stored!.value).accessToken).toBe(ctx.world.issuedTokens.at(-1));
  });
});

describe('a duplicated scheduled delivery', () => {
  it('requests no second token when the duplicate arrives after the first run', async () => {
    // GIVEN a due token and one scheduled event delivered twice, to two containers
    const seeded = await seedDueDocument(ctx.world);
    const [first, duplicate] = await containers(2);
    const requestsBefore = ctx.world.simulator.tokenRequests();
    const secretReadsBefore = ctx.world.aws.calls('SecretsManager.GetSecretValue');

    const original = await ctx.evidence.invoke(first!, SCHEDULED_EVENT, lambdaContext());
    const again = await ctx.evidence.invoke(duplicate!, SCHEDULED_EVENT, lambdaContext());

    expect(original).toMatchObject({ ok: true, result: { refreshed: true, reason: 'due', parameterVersion: seeded.version + 1 } });
    expect(again).toMatchObject({ ok: true, result: { refreshed: false, reason: 'fresh', parameterVersion: seeded.version + 1 } });
    expect(ctx.world.simulator.tokenRequests() - requestsBefore).toBe(1);
    expect(ctx.world.aws.calls('SecretsManager.GetSecretValue') - secretReadsBefore).toBe(1);
  });

  it('requests exactly one token when both copies arrive at once', async () => {
    const seeded = await seedDueDocument(ctx.world);
    const [a, b] = await containers(2);
    const requestsBefore = ctx.world.simulator.tokenRequests();

    const outcomes = await Promise.all([
      ctx.evidence.invoke(a!, SCHEDULED_EVENT, lambdaContext()),
      ctx.evidence.invoke(b!, SCHEDULED_EVENT, lambdaContext()),
    ]);

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(ctx.world.simulator.tokenRequests() - requestsBefore).toBe(1);
    const reasons = outcomes.map((outcome) => (outcome.ok ? outcome.result.reason : undefined)).sort();
    expect(['due,fresh', 'due,in-flight']).toContain(reasons.join(','));
    expect((await readParameter(ctx.world.moto))!.version).toBe(seeded.version + 1);
  });
});

describe('the cost of the lease', () => {
  it('the fresh scheduled path stays one GetParameter and never touches the lease', async () => {
    const [handler] = await containers(1);
    await ctx.evidence.invoke(handler!, SCHEDULED_EVENT, lambdaContext());
    const reads = ctx.world.aws.calls('SSM.GetParameter');
    const leaseCalls = ctx.world.aws.calls('SSM.Lease');

    const outcome = await ctx.evidence.invoke(handler!, SCHEDULED_EVENT, lambdaContext());

    expect(outcome).toMatchObject({ ok: true, result: { refreshed: false, reason: 'fresh' } });
    expect(ctx.world.aws.calls('SSM.GetParameter') - reads).toBe(1);
    expect(ctx.world.aws.calls('SSM.Lease') - leaseCalls).toBe(0);
  });
});

describe('a lease left behind', () => {
  it('a scheduled run that finds a live lease does nothing: no secret read, no token request', async () => {
    const seeded = await seedDueDocument(ctx.world);
    await plantLease(new Date(Date.now() + 60_000));
    const [handler] = await containers(1);
    const requestsBefore = ctx.world.simulator.tokenRequests();
    const secretReadsBefore = ctx.world.aws.calls('SecretsManager.GetSecretValue');

    const outcome = await ctx.evidence.invoke(handler!, SCHEDULED_EVENT, lambdaContext());

    expect(outcome).toMatchObject({ ok: true, result: { refreshed: false, reason: 'in-flight', parameterVersion: seeded.version } });
    expect(ctx.world.simulator.tokenRequests()).toBe(requestsBefore);
    expect(ctx.world.aws.calls('SecretsManager.GetSecretValue')).toBe(secretReadsBefore);
  });

  it('a force that finds a live lease waits within its time budget and resolves without rejecting', async () => {
    const seeded = await seedDueDocument(ctx.world);
    await plantLease(new Date(Date.now() + 60_000));
    const [handler] = await containers(1);
    const startedAt = Date.now();

    const outcome = await ctx.evidence.invoke(handler!, FORCED_EVENT, lambdaContext(5000));

    expect(outcome).toMatchObject({ ok: true, result: { refreshed: false, reason: 'in-flight', parameterVersion: seeded.version } });
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('a stale lease (its holder crashed) is taken over, the token refreshed and the lease released', async () => {
    const seeded = await seedDueDocument(ctx.world);
    await plantLease(new Date(Date.now() - 60_000));
    const [handler] = await containers(1);

    const outcome = await ctx.evidence.invoke(handler!, SCHEDULED_EVENT, lambdaContext());

    expect(outcome).toMatchObject({ ok: true, result: { refreshed: true, reason: 'due', parameterVersion: seeded.version + 1 } });
    expect(await leaseExists()).toBe(false);
  });
});

describe('the operator has the last word', () => {
  it('a force over a planted document claiming an expiry in 2099 publishes, and the next scheduled run is fresh', async () => {
    const planted = JSON.stringify({
      accessToken: 'planted',
      issuedAt: '2020-01-01T00:00:00Z',
      expiresAt: '2099-01-01T00:00:00Z',
      refreshAt: '2098-12-31T22:00:00Z',
    });
    await new SSMClient(ctx.world.moto.clientConfig).send(
      new PutParameterCommand({ Name: PARAMETER_NAME, Value: planted, Type: 'SecureString' }),
    );
    const [handler] = await containers(1);

    const forced = await ctx.evidence.invoke(handler!, FORCED_EVENT, lambdaContext());
    const next = await ctx.evidence.invoke(handler!, SCHEDULED_EVENT, lambdaContext());

    expect(forced).toMatchObject({ ok: true, result: { refreshed: true, reason: 'forced', parameterVersion: 2 } });
    expect(next).toMatchObject({ ok: true, result: { refreshed: false, reason: 'fresh', parameterVersion: 2 } });
    expect(parseTokenDocument((await readParameter(ctx.world.moto))!.value).accessToken).toBe(ctx.world.issuedTokens.at(-1));
  });
});
