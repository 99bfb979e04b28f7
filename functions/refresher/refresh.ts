import { randomUUID } from 'node:crypto';
import type { TokenRejectedReport } from '../contracts/rejection-report.js';
import { asCodedError, type CodedError } from '../shared/coded-error.js';
import type { BackoffPolicy } from '../shared/retry.js';
import {
  createTokenDocument,
  decideRefresh,
  type RefreshDecision,
  type RefreshReason,
  readTokenState,
  remainingLifetimeSeconds,
  type SkipReason,
  type StoredTokenState,
  serializeTokenDocument,
  shouldPublish,
  type TokenDocument,
  type TokenStore,
} from '../token/index.js';
import { TokenTooLargeError } from './errors.js';
import { createMemoryRefreshLease, MAX_LEASE_MS } from './lease.js';
import type { RefreshLease, TokenIssuer } from './ports.js';
import { createTokenRequester, RESERVED_FOR_STORE_MS, type RefreshBudget, type RetryNotice } from './token-request.js';

export type { RefreshBudget, RetryNotice } from './token-request.js';

/** The settings a run follows (the function's REFRESH_*, REJECTION_* and FASPAY_* settings). */
export interface RefreshPolicy {
  readonly refreshBeforeExpirySeconds: number;
  /** A run this close to `refreshAt` refreshes (see RefreshDecisionOptions.lookaheadMs). */
  readonly refreshLookaheadSeconds: number;
  /** A rejection report refreshes only a token at least this old. */
  readonly rejectionCooldownSeconds: number;
  readonly httpTimeoutMs: number;
  readonly maxAttempts: number;
  readonly backoff?: BackoffPolicy;
}

/** Watches a run step by step (the local CLI shows them); each call is synchronous and must not throw. */
export interface RefreshObserver {
  decided?(state: StoredTokenState, decision: RefreshDecision): void;
  /** A token request is sent, with this attempt's timeout. */
  requesting?(requestedAt: Date, timeoutMs: number): void;
  granted?(expiresInSeconds: number): void;
  stored?(document: TokenDocument, version: number): void;
  /** The lease could not be released: it blocks other runs until its deadline (plus the clock-skew margin), no longer. */
  leaseReleaseFailed?(error: CodedError): void;
}

export interface RefresherDependencies {
  readonly store: TokenStore;
  readonly issuer: TokenIssuer;
  /** One refresh at a time per parameter. @default - a lease within this refresher only */
  readonly lease?: RefreshLease;
  /** Largest stored value the store takes, in UTF-8 bytes (SSM Standard: 4096). @default - no limit */
  readonly maxValueBytes?: number;
  readonly clock: () => Date;
  readonly policy: RefreshPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
  readonly observer?: RefreshObserver;
}

/** What an invocation asks for (see event.ts for the payloads that produce it). */
export interface RefreshOrder {
  readonly force: boolean;
  /** Scheduled runs and rejection reports do nothing while another refresh holds the lease; others wait for it. @default 'manual' */
  readonly trigger?: 'schedule' | 'eventbridge' | 'manual' | 'rejection';
  readonly tokenRejected?: TokenRejectedReport;
}

/** The invocation's result: what happened to the stored token, never the token. */
export interface RefreshSummary {
  readonly refreshed: boolean;
  /**
   * Why: the refresh reason; a skip reason (fresh, report-outdated, cooldown); superseded (a
   * concurrent scheduled run stored a token issued later); joined (another run refreshed while this
   * one waited: the summary is its token); in-flight (another refresh holds the lease).
   */
  readonly reason: RefreshReason | SkipReason | 'superseded' | 'joined' | 'in-flight';
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

export interface Refresher {
  refresh(order: RefreshOrder, budget: RefreshBudget): Promise<RefreshResult>;
}

/** Pause between two looks at a lease held by another run. */
export const LEASE_POLL_MS = 500;

/**
 * The use case: refresh the stored token when due, forced or reported rejected, one run at a time
 * per parameter, never replacing a good token with a bad answer. Failures come back as
 * `{ ok: false }` with a coded error; the stored value is then exactly what it was before.
 */
export function createRefresher(deps: RefresherDependencies): Refresher {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const lease = deps.lease ?? createMemoryRefreshLease();
  const requester = createTokenRequester({
    ...deps,
    sleep,
    random: deps.random ?? Math.random,
    onRequest: (at, timeoutMs) => deps.observer?.requesting?.(at, timeoutMs),
  });
  const remainingOf = (state: StoredTokenState | undefined) =>
    state?.kind === 'valid' ? remainingLifetimeSeconds(state.document, deps.clock()) : 0;
  const decide = (state: StoredTokenState, order: RefreshOrder) =>
    decideRefresh(state, deps.clock(), {
      force: order.force,
      lookaheadMs: deps.policy.refreshLookaheadSeconds * 1000,
      ...(order.tokenRejected === undefined
        ? {}
        : {
            rejection: { parameterVersion: order.tokenRejected.parameterVersion, cooldownMs: deps.policy.rejectionCooldownSeconds * 1000 },
          }),
    });
  const done = (refreshed: boolean, reason: RefreshSummary['reason'], state: StoredTokenState, attempts = 0): RefreshResult => ({
    ok: true,
    summary: summaryOf(refreshed, reason, state),
    tokenRemainingSeconds: remainingOf(state),
    attempts,
  });

  /** Waits while another run holds the lease; `free` once it is released (or stale), `timeout` when the budget runs out. */
  async function waitForLease(budget: RefreshBudget): Promise<'free' | 'timeout'> {
    for (;;) {
      if (budget.remainingTimeMs() - RESERVED_FOR_STORE_MS < LEASE_POLL_MS) return 'timeout';
      await sleep(LEASE_POLL_MS);
      if (!(await lease.isHeld(deps.clock()))) return 'free';
    }
  }

  return {
    async refresh(order, budget) {
      let state: StoredTokenState | undefined;
      let reason: RefreshReason | undefined;
      const count = { attempts: 0 };
      try {
        state = await readTokenState(deps.store, deps.clock());
        let decision = decide(state, order);
        deps.observer?.decided?.(state, decision);
        if (!decision.refresh) return done(false, decision.reason, state);
        reason = decision.reason;

        // The lease lasts until this invocation's deadline: its holder cannot outlive it.
        const holder = {
          holder: randomUUID(),
          expiresAt: new Date(deps.clock().getTime() + Math.min(budget.remainingTimeMs(), MAX_LEASE_MS)),
        };
        for (;;) {
          const attempt = await lease.acquire(holder, deps.clock());
          if (attempt.acquired) break;
          if ((order.trigger ?? 'manual') !== 'manual') return done(false, 'in-flight', state);
          const waited = await waitForLease(budget);
          const after = await readTokenState(deps.store, deps.clock());
          if (storedAnotherToken(after, state)) return done(false, 'joined', after);
          if (waited === 'timeout') return done(false, 'in-flight', after);
          // The other run stored nothing (it failed): this one tries itself.
          state = after;
        }

        try {
          // Another run may have finished between the first read and the acquire.
          const current = await readTokenState(deps.store, deps.clock());
          if (storedAnotherToken(current, state)) {
            if (order.force) return done(false, 'joined', current);
            decision = decide(current, order);
            if (!decision.refresh) return done(false, decision.reason, current);
          }
          state = current;

          const requests = await deps.issuer.open();
          const { grant, requestedAt } = await requester.request(requests, budget, count).catch(async (error: unknown) => {
            if (reason === 'rejected' && current.kind === 'valid') await markDue(deps.store, current.document, deps.clock());
            throw error;
          });
          deps.observer?.granted?.(grant.expiresInSeconds);
          const document = createTokenDocument(grant, requestedAt, deps.policy.refreshBeforeExpirySeconds);
          const value = serializeTokenDocument(document);
          const bytes = new TextEncoder().encode(value).byteLength;
          if (deps.maxValueBytes !== undefined && bytes > deps.maxValueBytes) throw new TokenTooLargeError(bytes, deps.maxValueBytes);
          // The keep-the-newer rule is for runs nobody asked for: a force or a rejection always publishes.
          if (!order.force && reason !== 'rejected') {
            const latest = await readTokenState(deps.store, deps.clock()).catch(() => current);
            if (!shouldPublish(document, latest)) return done(false, 'superseded', latest, count.attempts);
          }
          const { version } = await deps.store.write(value);
          deps.observer?.stored?.(document, version);
          return done(true, reason, { kind: 'valid', document, version }, count.attempts);
        } finally {
          // A release that fails leaves a lease that goes stale at this invocation's deadline: the run's outcome stands.
          await lease
            .release(holder.holder)
            .catch((error: unknown) => deps.observer?.leaseReleaseFailed?.(asCodedError(error, 'releasing the refresh lease')));
        }
      } catch (thrown) {
        const error = asCodedError(thrown, 'refreshing the token');
        return {
          ok: false,
          error,
          ...(reason === undefined ? {} : { reason }),
          tokenRemainingSeconds: remainingOf(state),
          attempts: count.attempts,
        };
      }
    },
  };
}

/**
 * A rejected token whose replacement failed (Faspay down) is stored again with its refresh time
 * moved to now, so that the next scheduled run replaces it instead of every consumer waiting for
 * its original refresh time: nothing else remembers the report (consumers report a version once).
 * Done once per token (a document already due is left alone), best effort: the run fails anyway.
 */
async function markDue(store: TokenStore, document: TokenDocument, now: Date): Promise<void> {
  const refreshAt = new Date(Math.max(document.issuedAt.getTime(), Math.floor(now.getTime() / 1000) * 1000));
  if (refreshAt >= document.refreshAt) return;
  await store.write(serializeTokenDocument({ ...document, refreshAt })).catch(() => undefined);
}

/**
 * Whether another run stored a new token since `before` was read: a new version holding another
 * token (a version that re-stores the same token, see markDue, is not a refresh).
 */
function storedAnotherToken(after: StoredTokenState, before: StoredTokenState): boolean {
  if (after.kind !== 'valid') return false;
  if (before.kind === 'missing') return true;
  if (after.version === before.version) return false;
  return before.kind !== 'valid' || after.document.accessToken !== before.document.accessToken;
}

function summaryOf(refreshed: boolean, reason: RefreshSummary['reason'], state: StoredTokenState): RefreshSummary {
  if (state.kind !== 'valid') return { refreshed, reason };
  return {
    refreshed,
    reason,
    expiresAt: state.document.expiresAt.toISOString(),
    refreshAt: state.document.refreshAt.toISOString(),
    parameterVersion: state.version,
  };
}
