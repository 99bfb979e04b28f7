import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSsmRefreshLease } from '../../functions/adapters/parameter-lease.js';
import { LEASE_CLOCK_SKEW_MS } from '../../functions/refresher/lease.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';

const LEASE = '/faspay/sendme/access-token.lease';
const NOW = new Date('2026-11-25T00:00:00Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

let moto: MotoServer;
let ssm: SSMClient;

beforeAll(async () => {
  moto = await startMoto();
  ssm = new SSMClient(moto.clientConfig);
});

afterAll(async () => {
  ssm?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await resetMoto(moto);
});

const holder = (id: string, expiresInMs = 60_000) => ({ holder: id, expiresAt: later(expiresInMs) });

/** A lease parameter with `versions` versions, each a run that crashed a minute ago (what repeated takeovers leave). */
async function crashedLeases(versions: number): Promise<void> {
  for (let version = 1; version <= versions; version++) {
    const value = JSON.stringify({ holder: `crashed-${version}`, expiresAt: later(-60_000).toISOString() });
    await ssm.send(new PutParameterCommand({ Name: LEASE, Value: value, Type: 'String', Overwrite: true }));
  }
}

/** The lease parameter as SSM has it (undefined when there is none). */
async function stored() {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: LEASE }));
    return { type: Parameter?.Type, value: Parameter?.Value, version: Parameter?.Version };
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** A second SSM client whose takeover overwrites wait until `open()`: a taker delayed between its read and its write. */
function delayedTaker() {
  const client = new SSMClient(moto.clientConfig);
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  let reached = () => {};
  const waiting = new Promise<void>((resolve) => (reached = resolve));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutParameterCommand' && (args.input as { Overwrite?: boolean }).Overwrite === true) {
        reached();
        await gate;
      }
      return next(args);
    },
    { step: 'initialize', name: 'delayTakeover' },
  );
  return { lease: createSsmRefreshLease(client, LEASE), waiting, open, destroy: () => client.destroy() };
}

describe('Function: createSsmRefreshLease', () => {
  it('gives the lease to one caller, tells the next who holds it, and frees it on release', async () => {
    const lease = createSsmRefreshLease(ssm, LEASE);

    const first = await lease.acquire(holder('run-a'), NOW);
    const second = await lease.acquire(holder('run-b'), NOW);
    const heldBefore = await lease.isHeld(NOW);
    await lease.release('run-a');

    expect(first).toEqual({ acquired: true });
    expect(second).toEqual({ acquired: false, heldBy: holder('run-a') });
    expect(heldBefore).toBe(true);
    expect(await lease.isHeld(NOW)).toBe(false);
    expect(await lease.acquire(holder('run-b'), NOW)).toEqual({ acquired: true });
  });

  it('stores holder and expiry as a plain String, nothing else', async () => {
    await createSsmRefreshLease(ssm, LEASE).acquire(holder('run-a'), NOW);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: LEASE }));
    expect(Parameter?.Type).toBe('String');
    expect(JSON.parse(Parameter!.Value!)).toEqual({ holder: 'run-a', expiresAt: later(60_000).toISOString() });
  });

  it('of many callers racing for a free lease, exactly one gets it', async () => {
    const leases = Array.from({ length: 5 }, () => createSsmRefreshLease(ssm, LEASE));
    const attempts = await Promise.all(leases.map((lease, index) => lease.acquire(holder(`run-${index}`), NOW)));
    expect(attempts.filter((attempt) => attempt.acquired)).toHaveLength(1);
  });

  it('counts a lease as held until its expiry plus the clock-skew margin', async () => {
    const lease = createSsmRefreshLease(ssm, LEASE);
    await lease.acquire(holder('run-a', 1000), NOW);
    expect(await lease.isHeld(later(1000 + LEASE_CLOCK_SKEW_MS))).toBe(true);
    expect(await lease.isHeld(later(1001 + LEASE_CLOCK_SKEW_MS))).toBe(false);
    expect(await lease.acquire(holder('run-b'), later(1000 + LEASE_CLOCK_SKEW_MS))).toMatchObject({ acquired: false });
  });

  it.each([0, 1, 49, 50, 51, 150])('takes over a stale lease with %i versions in its history, and holds it', async (versions) => {
    // GIVEN a lease parameter that crashed runs overwrote `versions` times
    await crashedLeases(versions);
    const lease = createSsmRefreshLease(ssm, LEASE);

    // WHEN a run takes it over
    const attempt = await lease.acquire(holder('run-a'), NOW);

    // THEN it holds it: the next run is told so, and after the release the lease is free again
    expect(attempt).toEqual({ acquired: true });
    expect(await lease.acquire(holder('run-b'), NOW)).toEqual({ acquired: false, heldBy: holder('run-a') });
    await lease.release('run-a');
    expect(await stored()).toBeUndefined();
    expect(await lease.acquire(holder('run-c'), NOW)).toEqual({ acquired: true });
  });

  it.each([1, 150])(
    'lets exactly one of several takers of a stale lease (%i versions) win, and names it to the others',
    async (versions) => {
      // GIVEN a lease whose holder died a minute ago
      await crashedLeases(versions);
      const leases = Array.from({ length: 4 }, () => createSsmRefreshLease(ssm, LEASE));

      // WHEN several runs find it stale at once
      const attempts = await Promise.all(leases.map((lease, index) => lease.acquire(holder(`run-${index}`), NOW)));

      // THEN exactly one holds it, every other run and every later one is told that one holds it
      const winner = attempts.findIndex((attempt) => attempt.acquired);
      expect(attempts.filter((attempt) => attempt.acquired)).toHaveLength(1);
      for (const attempt of attempts.filter((attempt) => !attempt.acquired))
        expect(attempt).toMatchObject({ heldBy: { holder: `run-${winner}` } });
      const late = createSsmRefreshLease(ssm, LEASE);
      expect(await late.acquire(holder('run-late'), NOW)).toEqual({ acquired: false, heldBy: holder(`run-${winner}`) });
      // AND the winner's release leaves no lease behind (no loser's value blocks the next run)
      await leases[winner]!.release(`run-${winner}`);
      expect(await late.isHeld(NOW)).toBe(false);
      expect(await late.acquire(holder('run-late'), NOW)).toEqual({ acquired: true });
    },
  );

  it("takes over a winner that crashed under the losers' values once its lease is stale, again by exactly one taker", async () => {
    // GIVEN a stale lease, two slow takers (their leases would last a minute) and a winner whose lease lasts 1 s
    await crashedLeases(1);
    const slow = [delayedTaker(), delayedTaker()];
    const slowAttempts = slow.map((taker, index) => taker.lease.acquire(holder(`slow-${index}`), NOW));
    await Promise.all(slow.map((taker) => taker.waiting));
    expect(await createSsmRefreshLease(ssm, LEASE).acquire(holder('run-w', 1000), NOW)).toEqual({ acquired: true });
    // AND the slow takers' values land on top of the winner's, which then crashes
    for (const taker of slow) taker.open();
    for (const attempt of await Promise.all(slowAttempts)) expect(attempt).toEqual({ acquired: false, heldBy: holder('run-w', 1000) });
    const after = later(1001 + LEASE_CLOCK_SKEW_MS);

    // WHEN the winner's lease is stale and three more runs race for it
    const leases = [0, 1, 2].map(() => createSsmRefreshLease(ssm, LEASE));
    const attempts = await Promise.all(
      leases.map((lease, index) => lease.acquire({ holder: `next-${index}`, expiresAt: later(60_000) }, after)),
    );

    // THEN one of them holds it (the losers' values never counted), and its release frees it
    const winner = attempts.findIndex((attempt) => attempt.acquired);
    expect(attempts.filter((attempt) => attempt.acquired)).toHaveLength(1);
    expect(await leases[0]!.acquire(holder('run-late'), after)).toMatchObject({ heldBy: { holder: `next-${winner}` } });
    await leases[winner]!.release(`next-${winner}`);
    expect(await stored()).toBeUndefined();
    for (const taker of slow) taker.destroy();
  });

  it('a taker whose overwrite lands after the winner released holds what it wrote, and its release leaves nothing', async () => {
    // GIVEN a stale lease, and a taker that read it and is slow to write
    await crashedLeases(1);
    const slow = delayedTaker();
    const slowAttempt = slow.lease.acquire(holder('run-slow'), NOW);
    await slow.waiting;
    // AND another run that took it over, refreshed and released meanwhile
    const lease = createSsmRefreshLease(ssm, LEASE);
    expect(await lease.acquire(holder('run-fast'), NOW)).toEqual({ acquired: true });
    await lease.release('run-fast');

    // WHEN the slow write lands on the free lease
    slow.open();

    // THEN the slow taker holds the lease it created (it re-reads the token before requesting one), and frees it
    expect(await slowAttempt).toEqual({ acquired: true });
    expect(await lease.acquire(holder('run-next'), NOW)).toEqual({ acquired: false, heldBy: holder('run-slow') });
    await slow.lease.release('run-slow');
    expect(await stored()).toBeUndefined();
    slow.destroy();
  });

  it("a taker whose overwrite lands on a newer holder's lease loses, and that holder's release leaves nothing", async () => {
    // GIVEN a slow taker of a stale lease, and a run that took it over and released it meanwhile
    await crashedLeases(1);
    const slow = delayedTaker();
    const slowAttempt = slow.lease.acquire(holder('run-slow'), NOW);
    await slow.waiting;
    const lease = createSsmRefreshLease(ssm, LEASE);
    await lease.acquire(holder('run-fast'), NOW);
    await lease.release('run-fast');
    // AND a newer run that holds the lease now
    expect(await lease.acquire(holder('run-newer'), NOW)).toEqual({ acquired: true });

    // WHEN the slow write lands on top of it
    slow.open();

    // THEN the newer run still holds the lease for everyone, and its release frees it
    expect(await slowAttempt).toEqual({ acquired: false, heldBy: holder('run-newer') });
    expect(await lease.acquire(holder('run-next'), NOW)).toEqual({ acquired: false, heldBy: holder('run-newer') });
    await lease.release('run-newer');
    expect(await stored()).toBeUndefined();
    expect(await lease.acquire(holder('run-next'), NOW)).toEqual({ acquired: true });
    slow.destroy();
  });

  it.each([
    [
      "another refresher's token (a SecureString)",
      'SecureString',
      JSON.stringify({ accessToken: 'tok-secret', expiresAt: later(3600_000) }),
    ],
    ['a value that is not JSON', 'String', 'not json'],
    ['a JSON value that is not a lease document', 'String', JSON.stringify({ accessToken: 'tok-plain', expiresAt: later(3600_000) })],
    ['a StringList', 'StringList', 'a,b'],
  ] as const)('never overwrites or deletes %s at the lease name: it fails with LEASE_NAME_TAKEN', async (_what, type, value) => {
    // GIVEN another parameter at the lease's name
    await ssm.send(new PutParameterCommand({ Name: LEASE, Value: value, Type: type }));
    const before = await stored();
    const lease = createSsmRefreshLease(ssm, LEASE);

    // WHEN a run tries to take, look at or release the lease THEN each fails with the code, never the value
    const refused = await lease.acquire(holder('run-a'), NOW).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'LEASE_NAME_TAKEN', details: { leaseName: LEASE, parameterType: type } });
    expect(String((refused as Error).message)).not.toMatch(/tok-|not json|a,b/);
    await expect(lease.isHeld(NOW)).rejects.toMatchObject({ code: 'LEASE_NAME_TAKEN' });
    await expect(lease.release('run-a')).rejects.toMatchObject({ code: 'LEASE_NAME_TAKEN' });

    // AND the parameter is exactly as it was
    expect(await stored()).toEqual(before);
  });

  it('never deletes a lease it no longer holds (a run that outlived its lease releases nothing)', async () => {
    const lease = createSsmRefreshLease(ssm, LEASE);
    await lease.acquire(holder('run-a', 1000), NOW);
    expect(await lease.acquire(holder('run-b'), later(2000 + LEASE_CLOCK_SKEW_MS))).toEqual({ acquired: true });

    await lease.release('run-a');

    expect(await lease.acquire(holder('run-c'), later(3000 + LEASE_CLOCK_SKEW_MS))).toMatchObject({ heldBy: { holder: 'run-b' } });
  });

  it('treats a lease claiming to last longer than any invocation (15 min) as stale, so a planted one cannot block refreshes', async () => {
    const planted = JSON.stringify({ holder: 'planted', expiresAt: '2099-01-01T00:00:00.000Z' });
    await ssm.send(new PutParameterCommand({ Name: LEASE, Value: planted, Type: 'String' }));
    const lease = createSsmRefreshLease(ssm, LEASE);
    expect(await lease.isHeld(NOW)).toBe(false);
    expect(await lease.acquire(holder('run-a'), NOW)).toEqual({ acquired: true });
  });

  it('releases quietly when there is nothing to release', async () => {
    await expect(createSsmRefreshLease(ssm, LEASE).release('nobody')).resolves.toBeUndefined();
  });
});
