import type { TokenRejectedReport } from '../contracts/rejection-report.js';
import type { CodedError } from '../shared/coded-error.js';
import type { BackoffPolicy } from '../shared/retry.js';
import type { RefreshDecision, RefreshReason, SkipReason, StoredTokenState, TokenDocument, TokenStore } from '../token/index.js';
import type { RefreshLease, TokenCheck, TokenIssuer } from './ports.js';
import type { RefreshBudget, RetryNotice } from './token-request.js';

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
   * one waited: the summary is its token); in-flight (another refresh holds the lease); refuted
   * (a consumer's report, but SendMe accepts the reported token: no token was bought); verified (a
   * token made due early, by a report or a run that may have revoked it, is accepted by SendMe: it
   * keeps its own schedule and no token was bought).
   */
  readonly reason: RefreshReason | SkipReason | 'superseded' | 'joined' | 'in-flight' | 'refuted' | 'verified';
  readonly expiresAt?: string;
  readonly refreshAt?: string;
  readonly parameterVersion?: number;
  /**
   * Present (true) when this run waited for another run's lease and stored no token of its own
   * (`joined`, or `in-flight` when its time ran out): a force that did not get a token of its own.
   */
  readonly joinedAnotherRun?: true;
}

export interface Observations {
  /** Remaining lifetime of the token stored after the run (0 when none is usable or it may be revoked): the staleness metric. */
  readonly tokenRemainingSeconds: number;
  /** Token requests made (0 when the stored token was fresh). */
  readonly attempts: number;
  /** What the check of a reported token answered, when the run made one. */
  readonly reportCheck?: TokenCheck;
  /** Faspay's `expired_in` when it was longer than a document may claim (the stored `expiresAt` is capped). */
  readonly grantedSeconds?: number;
}

export type RefreshResult =
  | ({ readonly ok: true; readonly summary: RefreshSummary } & Observations)
  | ({ readonly ok: false; readonly error: CodedError; readonly reason?: RefreshReason } & Observations);

export interface Refresher {
  refresh(order: RefreshOrder, budget: RefreshBudget): Promise<RefreshResult>;
}
