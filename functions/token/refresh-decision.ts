import { documentProblemAt, parseTokenDocument, type TokenDocument } from './token-document.js';

/** What the store holds, as far as the refresher is concerned. */
export type StoredTokenState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly problem: string; readonly version?: number }
  | { readonly kind: 'valid'; readonly document: TokenDocument; readonly version: number };

export type RefreshReason = 'forced' | 'missing' | 'invalid' | 'expired' | 'due' | 'rejected';

/** Why a run leaves the stored token as it is. */
export type SkipReason =
  | 'fresh'
  /** A rejection report names a version that is no longer stored: that token was replaced already. */
  | 'report-outdated'
  /** A rejection report for a token issued less than the cooldown ago: reports of one outside reissue do not chain. */
  | 'cooldown';

export type RefreshDecision =
  | { readonly refresh: false; readonly reason: SkipReason }
  | { readonly refresh: true; readonly reason: RefreshReason };

export interface RefreshDecisionOptions {
  readonly force: boolean;
  /**
   * How far ahead of `refreshAt` a run counts as due: the schedule's interval. The last scheduled
   * run before `refreshAt` then replaces the token, so `refreshAt` is a promise ("replaced by then")
   * that consumers can cache against, instead of the start of a window of up to one interval in
   * which they would re-read and still find the old token. A token issued less than this ago is
   * never due (only expired): with lifetimes shorter than two intervals, a duplicate delivery of
   * the run that just replaced it would otherwise replace it again. @default 0
   */
  readonly lookaheadMs?: number;
  /** A consumer reported that SendMe rejected the token stored as `parameterVersion`. */
  readonly rejection?: { readonly parameterVersion: number; readonly cooldownMs: number };
}

/** The stored record as the refresher sees it at `now` (parsing, plus the checks that need a clock). */
export function tokenStateOf(record: { readonly value: string; readonly version: number } | undefined, now: Date): StoredTokenState {
  if (record === undefined) return { kind: 'missing' };
  try {
    const document = parseTokenDocument(record.value);
    const problem = documentProblemAt(document, now);
    if (problem !== undefined) return { kind: 'invalid', problem, version: record.version };
    return { kind: 'valid', document, version: record.version };
  } catch (error) {
    return { kind: 'invalid', problem: error instanceof Error ? error.message : 'unreadable', version: record.version };
  }
}

/**
 * Whether to request a new token now. Scheduled runs refresh only when due, so a duplicate delivery
 * of the same event (which asynchronous invocation allows) finds the token fresh and does nothing.
 * A rejection report refreshes only the version it names, and only once that token is older than
 * the cooldown, so a fleet reporting the same version costs one token.
 */
export function decideRefresh(state: StoredTokenState, now: Date, options: RefreshDecisionOptions): RefreshDecision {
  if (options.force) return { refresh: true, reason: 'forced' };
  if (options.rejection !== undefined) return decideOnRejection(state, now, options.rejection);
  switch (state.kind) {
    case 'missing':
      return { refresh: true, reason: 'missing' };
    case 'invalid':
      return { refresh: true, reason: 'invalid' };
    case 'valid': {
      if (now >= state.document.expiresAt) return { refresh: true, reason: 'expired' };
      // A report moved refreshAt ahead: due exactly then, whenever the token was issued (the
      // duplicate-delivery guard below is for a token's natural schedule, not for a rejected token).
      if (replacementRequested(state.document)) return now >= state.document.refreshAt ? { refresh: true, reason: 'due' } : FRESH;
      const lookaheadMs = options.lookaheadMs ?? 0;
      const issuedWithinInterval = now.getTime() - state.document.issuedAt.getTime() < lookaheadMs;
      if (!issuedWithinInterval && now.getTime() + lookaheadMs >= state.document.refreshAt.getTime())
        return { refresh: true, reason: 'due' };
      return FRESH;
    }
  }
}

const FRESH: RefreshDecision = { refresh: false, reason: 'fresh' };

/**
 * Whether the refresher stored this document again with `refreshAt` moved ahead because a consumer
 * reported the token rejected (see functions/refresher/remembered-reports.ts). A token's own
 * schedule never puts `refreshAt` before half its life (createTokenDocument), so an earlier one was
 * moved there on purpose, and the stored format needs no field of its own to say so.
 */
export function replacementRequested(document: TokenDocument): boolean {
  const lifetimeMs = document.expiresAt.getTime() - document.issuedAt.getTime();
  return document.refreshAt.getTime() < document.issuedAt.getTime() + Math.floor(lifetimeMs / 2);
}

function decideOnRejection(
  state: StoredTokenState,
  now: Date,
  rejection: NonNullable<RefreshDecisionOptions['rejection']>,
): RefreshDecision {
  if (state.kind !== 'valid' || state.version !== rejection.parameterVersion) return { refresh: false, reason: 'report-outdated' };
  if (now.getTime() - state.document.issuedAt.getTime() < rejection.cooldownMs) return { refresh: false, reason: 'cooldown' };
  return { refresh: true, reason: 'rejected' };
}

/**
 * Whether a token obtained by a scheduled (not forced) run should replace what the store holds
 * now: not when the stored token was issued later (a concurrent run got a newer one meanwhile).
 * Tokens are ordered by when they were issued, never by the expiry a stored document claims.
 */
export function shouldPublish(candidate: TokenDocument, current: StoredTokenState): boolean {
  return current.kind !== 'valid' || current.document.issuedAt.getTime() <= candidate.issuedAt.getTime();
}
