import type { CredentialsSource } from '../adapters/secrets.js';
import type { StoredRecord, TokenStore } from '../adapters/parameter-store.js';
import type { FaspayTokenClient } from '../adapters/faspay-http.js';
import { createFaspaySigner, type FaspaySigner, type TokenGrant } from '../faspay/index.js';
import { asCodedError, type CodedError } from '../shared/coded-error.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../shared/retry.js';
import {
  createTokenDocument,
  decideRefresh,
  parseTokenDocument,
  remainingLifetimeSeconds,
  serializeTokenDocument,
  shouldPublish,
  type RefreshReason,
  type StoredTokenState,
  type TokenDocument,
} from '../token/index.js';
import { TimeBudgetError } from './errors.js';

export interface RefreshPolicy {
  readonly refreshBeforeExpirySeconds: number;
  /** A run this close to `refreshAt` refreshes (see RefreshDecisionOptions.lookaheadMs). @default 0 */
  readonly refreshLookaheadSeconds?: number;
  readonly httpTimeoutMs: number;
  readonly maxAttempts: number;
  readonly backoff?: BackoffPolicy;
}

export interface RetryNotice {
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: CodedError;
}

export interface RefresherDependencies {
  readonly credentials: CredentialsSource;
  readonly store: TokenStore;
  readonly faspay: FaspayTokenClient;
  readonly clock: () => Date;
  readonly policy: RefreshPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** The invocation's result: what happened to the stored token, never the token. */
export interface RefreshSummary {
  readonly refreshed: boolean;
  /** Why: fresh (nothing to do), superseded (a concurrent run stored a longer-lived token), or the refresh reason. */
  readonly reason: RefreshReason | 'fresh' | 'superseded';
  readonly expiresAt?: string;
  readonly refreshAt?: string;
  readonly parameterVersion?: number;
}

interface Observations {
  /** Remaining lifetime of the token stored after the run (0 when none is usable): the staleness metric. */
  readonly tokenRemainingSeconds: number;
  /** Token requests made (0 when the stored token was fresh). */
  readonly attempts: number;
}

export type RefreshResult =
  | ({ readonly ok: true; readonly summary: RefreshSummary } & Observations)
  | ({ readonly ok: false; readonly error: CodedError; readonly reason?: RefreshReason } & Observations);

export interface RefreshBudget {
  /** Milliseconds the caller may still spend (Lambda: context.getRemainingTimeInMillis). */
  remainingTimeMs(): number;
}

/** Time kept back for the SSM re-read and write after the token request. */
const RESERVED_FOR_STORE_MS = 3000;
/**
 * An attempt with less time than this cannot reasonably succeed. A configured HTTP timeout below it
 * lowers it: otherwise such a setting would refuse every attempt (TIME_BUDGET_EXHAUSTED) forever.
 */
const MIN_ATTEMPT_MS = 1000;

export interface Refresher {
  refresh(request: { force: boolean }, budget: RefreshBudget): Promise<RefreshResult>;
}

/**
 * The use case: refresh the stored token when due (or forced), never replacing a good token with a
 * bad answer. Failures come back as `{ ok: false }` with a coded error; the stored value is then
 * exactly what it was before.
 */
export function createRefresher(deps: RefresherDependencies): Refresher {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const backoff = deps.policy.backoff ?? DEFAULT_BACKOFF;
  const minAttemptMs = Math.min(MIN_ATTEMPT_MS, deps.policy.httpTimeoutMs);

  async function requestWithRetries(signer: FaspaySigner, budget: RefreshBudget, count: { attempts: number }) {
    let lastError: CodedError | undefined;
    for (let attempt = 1; attempt <= deps.policy.maxAttempts; attempt++) {
      const timeoutMs = Math.min(deps.policy.httpTimeoutMs, budget.remainingTimeMs() - RESERVED_FOR_STORE_MS);
      if (timeoutMs < minAttemptMs) {
        throw lastError ?? new TimeBudgetError('too little time left in this invocation to request a token');
      }
      const requestedAt = deps.clock();
      count.attempts = attempt;
      try {
        const grant: TokenGrant = await deps.faspay.requestToken(signer, requestedAt, timeoutMs);
        return { grant, requestedAt };
      } catch (thrown) {
        const error = asCodedError(thrown, 'requesting a token');
        if (!error.retryable || attempt === deps.policy.maxAttempts) throw error;
        const delayMs = backoffDelayMs(attempt, backoff, random);
        if (budget.remainingTimeMs() - RESERVED_FOR_STORE_MS - delayMs < minAttemptMs) throw error;
        lastError = error;
        deps.onRetry?.({ attempt, delayMs, error });
        await sleep(delayMs);
      }
    }
    throw lastError ?? new TimeBudgetError('no token request attempt was allowed');
  }

  return {
    async refresh(request, budget) {
      let state: StoredTokenState | undefined;
      let reason: RefreshReason | undefined;
      const count = { attempts: 0 };
      const remainingOf = (current: StoredTokenState | undefined) =>
        current?.kind === 'valid' ? remainingLifetimeSeconds(current.document, deps.clock()) : 0;
      try {
        state = toState(await deps.store.read());
        const decision = decideRefresh(state, deps.clock(), {
          force: request.force,
          lookaheadMs: (deps.policy.refreshLookaheadSeconds ?? 0) * 1000,
        });
        if (!decision.refresh) {
          return { ok: true, summary: summaryOf(false, 'fresh', state), tokenRemainingSeconds: remainingOf(state), attempts: 0 };
        }
        reason = decision.reason;
        const signer = createFaspaySigner(await deps.credentials.load());
        const { grant, requestedAt } = await requestWithRetries(signer, budget, count);
        const document = createTokenDocument(grant, requestedAt, deps.policy.refreshBeforeExpirySeconds);
        const current = await deps.store.read().then(toState, () => state!);
        if (!shouldPublish(document, current)) {
          return { ok: true, summary: summaryOf(false, 'superseded', current), tokenRemainingSeconds: remainingOf(current), attempts: count.attempts };
        }
        const { version } = await deps.store.write(serializeTokenDocument(document));
        const written: StoredTokenState = { kind: 'valid', document, version };
        return { ok: true, summary: summaryOf(true, reason, written), tokenRemainingSeconds: remainingOf(written), attempts: count.attempts };
      } catch (thrown) {
        const error = asCodedError(thrown, 'refreshing the token');
        return { ok: false, error, ...(reason === undefined ? {} : { reason }), tokenRemainingSeconds: remainingOf(state), attempts: count.attempts };
      }
    },
  };
}

function toState(record: StoredRecord | undefined): StoredTokenState {
  if (record === undefined) return { kind: 'missing' };
  try {
    return { kind: 'valid', document: parseTokenDocument(record.value), version: record.version };
  } catch (error) {
    return { kind: 'invalid', problem: error instanceof Error ? error.message : 'unreadable' };
  }
}

function summaryOf(refreshed: boolean, reason: RefreshSummary['reason'], state: StoredTokenState): RefreshSummary {
  if (state.kind !== 'valid') return { refreshed, reason };
  const document: TokenDocument = state.document;
  return {
    refreshed,
    reason,
    expiresAt: document.expiresAt.toISOString(),
    refreshAt: document.refreshAt.toISOString(),
    parameterVersion: state.version,
  };
}
