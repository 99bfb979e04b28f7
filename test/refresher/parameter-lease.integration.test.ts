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

  it('lets exactly one of several callers take over a stale lease (its holder crashed)', async () => {
    // GIVEN a lease whose holder died a minute ago
    await createSsmRefreshLease(ssm, LEASE).acquire(holder('crashed', -60_000), NOW);
    const leases = Array.from({ length: 4 }, () => createSsmRefreshLease(ssm, LEASE));

    // WHEN several runs find it stale at once
    const attempts = await Promise.all(leases.map((lease, index) => lease.acquire(holder(`run-${index}`), NOW)));

    // THEN exactly one holds it now
    expect(attempts.filter((attempt) => attempt.acquired)).toHaveLength(1);
    expect(await leases[0]!.isHeld(NOW)).toBe(true);
  });

  it('treats an unreadable lease value as stale, so a hand-written leftover cannot block refreshes', async () => {
    await ssm.send(new PutParameterCommand({ Name: LEASE, Value: 'not json', Type: 'String' }));
    const lease = createSsmRefreshLease(ssm, LEASE);
    expect(await lease.isHeld(NOW)).toBe(false);
    expect(await lease.acquire(holder('run-a'), NOW)).toEqual({ acquired: true });
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
