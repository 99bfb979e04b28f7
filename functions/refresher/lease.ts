import type { LeaseHolder, RefreshLease } from './ports.js';

/**
 * A lease counts as stale only this long after its expiry, so that a holder whose clock runs a
 * little behind the taker's is never overtaken while it still works.
 */
export const LEASE_CLOCK_SKEW_MS = 5000;

/**
 * No holder runs longer than this (Lambda's longest timeout), so a lease claiming to last longer was
 * not taken by a refresh (a hand-written or planted value) and must not block refreshes until then.
 */
export const MAX_LEASE_MS = 15 * 60 * 1000;

export function isLeaseStale(lease: LeaseHolder, now: Date): boolean {
  const leftMs = lease.expiresAt.getTime() - now.getTime();
  return leftMs < -LEASE_CLOCK_SKEW_MS || leftMs > MAX_LEASE_MS + LEASE_CLOCK_SKEW_MS;
}

/** A lease within one process (local runs, tests, the long-run simulation): the use case's default. */
export function createMemoryRefreshLease(): RefreshLease {
  let current: LeaseHolder | undefined;
  return {
    async acquire(holder, now) {
      if (current !== undefined && !isLeaseStale(current, now)) return { acquired: false, heldBy: current };
      current = holder;
      return { acquired: true };
    },
    async isHeld(now) {
      return current !== undefined && !isLeaseStale(current, now);
    },
    async release(holder) {
      if (current?.holder === holder) current = undefined;
    },
  };
}
