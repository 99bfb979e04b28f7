import { asCodedError, type CodedError } from '../shared/coded-error.js';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from '../shared/retry.js';
import type { TokenGrant } from '../token/index.js';
import { TimeBudgetError } from './errors.js';
import type { TokenRequests } from './ports.js';

export interface RefreshBudget {
  /** Milliseconds the caller may still spend (Lambda: context.getRemainingTimeInMillis). */
  remainingTimeMs(): number;
}

export interface RetryNotice {
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: CodedError;
}

export interface TokenRequestPolicy {
  readonly httpTimeoutMs: number;
  readonly maxAttempts: number;
  readonly backoff?: BackoffPolicy;
}

/** Time kept back for the SSM re-read, the write and the lease's release after the token request. */
export const RESERVED_FOR_STORE_MS = 3000;
/**
 * An attempt with less time than this cannot reasonably succeed. A configured HTTP timeout below it
 * lowers it: otherwise such a setting would refuse every attempt (TIME_BUDGET_EXHAUSTED) forever.
 */
const MIN_ATTEMPT_MS = 1000;

export interface TokenRequester {
  /**
   * Requests a token, retrying transient failures within the budget; `count.attempts` follows along.
   * `stillWanted`, when given, is asked before each retry: when it says no, no more requests are
   * sent and the result is undefined.
   */
  request(
    requests: TokenRequests,
    budget: RefreshBudget,
    count: { attempts: number },
    stillWanted?: () => Promise<boolean>,
  ): Promise<{ grant: TokenGrant; requestedAt: Date } | undefined>;
}

export function createTokenRequester(deps: {
  readonly clock: () => Date;
  readonly policy: TokenRequestPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
  readonly onRequest?: (requestedAt: Date, timeoutMs: number) => void;
}): TokenRequester {
  const backoff = deps.policy.backoff ?? DEFAULT_BACKOFF;
  const minAttemptMs = Math.min(MIN_ATTEMPT_MS, deps.policy.httpTimeoutMs);
  return {
    async request(requests, budget, count, stillWanted) {
      let lastError: CodedError | undefined;
      for (let attempt = 1; attempt <= deps.policy.maxAttempts; attempt++) {
        if (attempt > 1 && stillWanted !== undefined && !(await stillWanted())) return undefined;
        const timeoutMs = Math.min(deps.policy.httpTimeoutMs, budget.remainingTimeMs() - RESERVED_FOR_STORE_MS);
        if (timeoutMs < minAttemptMs) {
          throw lastError ?? new TimeBudgetError('too little time left in this invocation to request a token');
        }
        const requestedAt = deps.clock();
        count.attempts = attempt;
        try {
          deps.onRequest?.(requestedAt, timeoutMs);
          const grant = await requests.request(requestedAt, timeoutMs);
          return { grant, requestedAt };
        } catch (thrown) {
          const error = asCodedError(thrown, 'requesting a token');
          if (!error.retryable || attempt === deps.policy.maxAttempts) throw error;
          const delayMs = backoffDelayMs(attempt, backoff, deps.random);
          if (budget.remainingTimeMs() - RESERVED_FOR_STORE_MS - delayMs < minAttemptMs) throw error;
          lastError = error;
          deps.onRetry?.({ attempt, delayMs, error });
          await deps.sleep(delayMs);
        }
      }
      throw lastError ?? new TimeBudgetError('no token request attempt was allowed');
    },
  };
}
