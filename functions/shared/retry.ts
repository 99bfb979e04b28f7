/** Exponential backoff with full jitter, capped. */
export interface BackoffPolicy {
  /** Delay scale of the first retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any single delay. */
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 500, maxDelayMs: 5000 };

/**
 * The pause before retry number `retry` (1 for the first retry): uniformly random in
 * [0, min(max, base × 2^(retry-1))]. Full jitter spreads a fleet's retries instead of aligning them.
 */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
