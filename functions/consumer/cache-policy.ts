/**
 * When a cached token must be looked up again. Pure: times are epoch milliseconds, the jitter comes
 * in as a number.
 */

/** Default spread of the cache's expiry after `refreshAt`, so a fleet does not re-read in the same second. */
export const DEFAULT_MAX_JITTER_SECONDS = 30;

/**
 * Shortest pause between two re-reads forced by Unauthorized answers. Short enough that a token the
 * refresher replaced after a rejection report is picked up within seconds, long enough that a token
 * SendMe keeps refusing costs a few reads a minute instead of one per failing request.
 */
export const MIN_REREAD_AFTER_UNAUTHORIZED_MS = 10_000;

/** Shortest pause between two look-ups of a document that is already past its `refreshAt`. */
export const MIN_RECHECK_MS = 30_000;

/**
 * A document past its `refreshAt` (the refresher is late, or failing) is looked at again after this
 * fraction of its remaining life: about every 15 minutes with 2 hours left, more often as expiry
 * nears, so a fixed refresher is noticed in time while a broken one costs a few reads an hour.
 */
const RECHECK_FRACTION_OF_REMAINING = 8;

export interface CacheTimes {
  readonly refreshAtMs: number;
  readonly expiresAtMs: number;
}

/**
 * The instant until which a token may be served from memory: its `refreshAt` plus `jitterMs` while
 * that lies ahead, otherwise a re-check interval from `nowMs` (plus `jitterMs`); never past
 * `expiresAt`.
 */
export function cacheDeadlineMs(times: CacheTimes, nowMs: number, jitterMs: number): number {
  const base =
    nowMs < times.refreshAtMs
      ? times.refreshAtMs
      : nowMs + Math.max(MIN_RECHECK_MS, (times.expiresAtMs - nowMs) / RECHECK_FRACTION_OF_REMAINING);
  return Math.min(base + jitterMs, times.expiresAtMs);
}

/** A uniformly drawn jitter in [0, maxJitterSeconds) seconds, in milliseconds. */
export function jitterMs(random: () => number, maxJitterSeconds: number): number {
  return Math.floor(random() * maxJitterSeconds * 1000);
}
