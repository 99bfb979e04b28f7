import { randomUUID } from 'node:crypto';
import { asCodedError } from '../shared/coded-error.js';
import {
  createTokenDocument,
  decideRefresh,
  type RefreshReason,
  readTokenState,
  remainingLifetimeSeconds,
  replacementRequested,
  type StoredTokenState,
  serializeTokenDocument,
  shouldPublish,
} from '../token/index.js';
import { TokenTooLargeError } from './errors.js';
import { createMemoryRefreshLease, MAX_LEASE_MS } from './lease.js';
import type { TokenCheck, TokenRequests } from './ports.js';
import type { Observations, Refresher, RefresherDependencies, RefreshOrder, RefreshResult, RefreshSummary } from './refresh-contract.js';
import { rememberReport, restoreSchedule, type ValidState } from './remembered-reports.js';
import { createReportCheck } from './report-check.js';
import { createTokenRequester, RESERVED_FOR_STORE_MS, type RefreshBudget } from './token-request.js';

export type {
  Observations,
  Refresher,
  RefresherDependencies,
  RefreshObserver,
  RefreshOrder,
  RefreshPolicy,
  RefreshResult,
  RefreshSummary,
} from './refresh-contract.js';
export type { RefreshBudget, RetryNotice } from './token-request.js';

/** Pause between two looks at a lease held by another run. */
export const LEASE_POLL_MS = 500;

/**
 * Failures after which Faspay may have issued a token that was not stored (the answer timed out,
 * broke off or could not be read, or the token did not fit): with revoke-on-issue, the stored token
 * may be revoked by it.
 */
const MAY_HAVE_ISSUED = new Set(['FASPAY_TIMEOUT', 'FASPAY_NETWORK', 'FASPAY_BAD_RESPONSE', 'TOKEN_TOO_LARGE']);

/**
 * The use case: refresh the stored token when due, forced or reported rejected, one run at a time
 * per parameter, never replacing a good token with a bad answer. A report is never lost: one that
 * cannot act now is remembered in the stored document (remembered-reports.ts), and one is checked
 * with a read-only call of the refresher's own before a token is bought for it. Failures come back
 * as `{ ok: false }` with a coded error; the stored token is then the one stored before (at most due
 * earlier).
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
  const remember = (state: ValidState, dueAt: Date) => rememberReport(deps.store, state, dueAt, deps.clock());

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
      const notes: { reportCheck?: TokenCheck; grantedSeconds?: number } = {};
      let session: TokenRequests | undefined;
      const open = async () => {
        session ??= await deps.issuer.open();
        return session;
      };
      // The stored token must be left due if the run fails: a confirmed report, or a token Faspay may have issued unstored.
      let reported = false;
      let mayHaveIssued = false;
      const done = (refreshed: boolean, why: RefreshSummary['reason'], after: StoredTokenState, extra: Partial<RefreshSummary> = {}) =>
        ({
          ok: true,
          summary: { ...summaryOf(refreshed, why, after), ...extra },
          ...observed(remainingOf(after), count.attempts, notes),
        }) as const satisfies RefreshResult;

      const check = createReportCheck({ open, clock: deps.clock, httpTimeoutMs: deps.policy.httpTimeoutMs, budget, notes });

      try {
        state = await readTokenState(deps.store, deps.clock());
        let decision = decide(state, order);
        deps.observer?.decided?.(state, decision);
        if (!decision.refresh) {
          // A report inside the cooldown: the token becomes due when the cooldown ends.
          if (decision.reason === 'cooldown' && state.kind === 'valid')
            state = await remember(state, new Date(state.document.issuedAt.getTime() + deps.policy.rejectionCooldownSeconds * 1000));
          return done(false, decision.reason, state);
        }
        reason = decision.reason;
        if (reason === 'rejected' && state.kind === 'valid') {
          if (await check.refutes(state.document)) return done(false, 'refuted', state);
          reported = true;
        }

        // The lease lasts until this invocation's deadline: its holder cannot outlive it.
        const holder = {
          holder: randomUUID(),
          expiresAt: new Date(deps.clock().getTime() + Math.min(budget.remainingTimeMs(), MAX_LEASE_MS)),
        };
        for (;;) {
          const attempt = await lease.acquire(holder, deps.clock());
          if (attempt.acquired) break;
          if ((order.trigger ?? 'manual') !== 'manual') {
            // The run in flight may be a crashed or failing one: the token stays due until it is replaced.
            if (reported && state.kind === 'valid') state = await remember(state, deps.clock());
            return done(false, 'in-flight', state);
          }
          const waited = await waitForLease(budget);
          const after = await readTokenState(deps.store, deps.clock());
          if (storedAnotherToken(after, state)) return done(false, 'joined', after, { joinedAnotherRun: true });
          if (waited === 'timeout') return done(false, 'in-flight', after, { joinedAnotherRun: true });
          // The other run stored nothing (it failed): this one tries itself.
          state = after;
        }

        try {
          // Another run may have finished between the first read and the acquire.
          const current = await readTokenState(deps.store, deps.clock());
          if (storedAnotherToken(current, state)) {
            if (order.force) return done(false, 'joined', current, { joinedAnotherRun: true });
            decision = decide(current, order);
            if (!decision.refresh) return done(false, decision.reason, current);
          }
          state = current;
          check.stored(current);
          // A token made due early (a remembered report, a run that may have revoked it) is checked
          // before a token is bought for it: when SendMe accepts it, it gets its own schedule back.
          if (reason === 'due' && current.kind === 'valid' && replacementRequested(current.document)) {
            if (await check.refutes(current.document)) {
              state = await restoreSchedule(deps.store, current, deps.policy.refreshBeforeExpirySeconds, deps.clock());
              return done(false, 'verified', state);
            }
          }

          const requests = await open();
          const watched: TokenRequests = {
            request: (at, timeoutMs) =>
              requests.request(at, timeoutMs).catch((error: unknown) => {
                mayHaveIssued ||= MAY_HAVE_ISSUED.has(asCodedError(error, 'requesting a token').code);
                throw error;
              }),
          };
          // After an inconclusive check, a retry comes once SendMe may answer again: it checks first (report-check.ts).
          const bought = await requester.request(watched, budget, count, check.stillWanted);
          if (bought === undefined) {
            if (reason === 'rejected' || current.kind !== 'valid') return done(false, 'refuted', current);
            state = await restoreSchedule(deps.store, current, deps.policy.refreshBeforeExpirySeconds, deps.clock());
            return done(false, 'verified', state);
          }
          const { grant, requestedAt } = bought;
          mayHaveIssued = true;
          deps.observer?.granted?.(grant.expiresInSeconds);
          const document = createTokenDocument(grant, requestedAt, deps.policy.refreshBeforeExpirySeconds);
          if (document.expiresAt.getTime() - document.issuedAt.getTime() < grant.expiresInSeconds * 1000)
            notes.grantedSeconds = grant.expiresInSeconds;
          const value = serializeTokenDocument(document);
          const bytes = new TextEncoder().encode(value).byteLength;
          if (deps.maxValueBytes !== undefined && bytes > deps.maxValueBytes) throw new TokenTooLargeError(bytes, deps.maxValueBytes);
          // The keep-the-newer rule is for runs nobody asked for: a force or a rejection always publishes.
          if (!order.force && reason !== 'rejected') {
            const latest = await readTokenState(deps.store, deps.clock()).catch(() => current);
            if (!shouldPublish(document, latest)) {
              // The token stored meanwhile was issued after this one: it is the one Faspay accepts.
              mayHaveIssued = false;
              return done(false, 'superseded', latest);
            }
          }
          const { version } = await deps.store.write(value);
          mayHaveIssued = false;
          deps.observer?.stored?.(document, version);
          return done(true, reason, { kind: 'valid', document, version });
        } finally {
          // A release that fails leaves a lease that goes stale at this invocation's deadline: the run's outcome stands.
          await lease
            .release(holder.holder)
            .catch((error: unknown) => deps.observer?.leaseReleaseFailed?.(asCodedError(error, 'releasing the refresh lease')));
        }
      } catch (thrown) {
        const error = asCodedError(thrown, 'refreshing the token');
        // Best effort: the run fails anyway, and its error is the one that matters.
        if ((reported || mayHaveIssued) && state?.kind === 'valid') await remember(state, deps.clock()).catch(() => undefined);
        return {
          ok: false,
          error,
          ...(reason === undefined ? {} : { reason }),
          ...observed(mayHaveIssued ? 0 : remainingOf(state), count.attempts, notes),
        };
      }
    },
  };
}

function observed(tokenRemainingSeconds: number, attempts: number, notes: Omit<Observations, 'tokenRemainingSeconds' | 'attempts'>) {
  return {
    tokenRemainingSeconds,
    attempts,
    ...(notes.reportCheck === undefined ? {} : { reportCheck: notes.reportCheck }),
    ...(notes.grantedSeconds === undefined ? {} : { grantedSeconds: notes.grantedSeconds }),
  };
}

/**
 * Whether another run stored a new token since `before` was read: a new version holding another
 * token (a version that re-stores the same token, see remembered-reports.ts, is not a refresh).
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
