import type { TokenDocument } from './token-document.js';

/** What the store holds, as far as the refresher is concerned. */
export type StoredTokenState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly problem: string }
  | { readonly kind: 'valid'; readonly document: TokenDocument; readonly version: number };

export type RefreshReason = 'forced' | 'missing' | 'invalid' | 'expired' | 'due';

export type RefreshDecision =
  | { readonly refresh: false; readonly reason: 'fresh' }
  | { readonly refresh: true; readonly reason: RefreshReason };

export interface RefreshDecisionOptions {
  readonly force: boolean;
  /**
   * How far ahead of `refreshAt` a run counts as due: the schedule's interval. The last scheduled
   * run before `refreshAt` then replaces the token, so `refreshAt` is a promise ("replaced by then")
   * that consumers can cache against, instead of the start of a window of up to one interval in
   * which they would re-read and still find the old token. @default 0
   */
  readonly lookaheadMs?: number;
}

/**
 * Whether to request a new token now. Scheduled runs refresh only when due, so a duplicate delivery
 * of the same event (which asynchronous invocation allows) finds the token fresh and does nothing.
 */
export function decideRefresh(state: StoredTokenState, now: Date, options: RefreshDecisionOptions): RefreshDecision {
  if (options.force) return { refresh: true, reason: 'forced' };
  switch (state.kind) {
    case 'missing':
      return { refresh: true, reason: 'missing' };
    case 'invalid':
      return { refresh: true, reason: 'invalid' };
    case 'valid':
      if (now >= state.document.expiresAt) return { refresh: true, reason: 'expired' };
      if (now.getTime() + (options.lookaheadMs ?? 0) >= state.document.refreshAt.getTime()) return { refresh: true, reason: 'due' };
      return { refresh: false, reason: 'fresh' };
  }
}

/**
 * Whether a newly obtained token should replace what the store holds now. SSM has no conditional
 * write, so a refresh re-reads just before writing: when a concurrent run already stored a token
 * that lives longer, keeping it avoids replacing a newer token with an older one.
 */
export function shouldPublish(candidate: TokenDocument, current: StoredTokenState): boolean {
  return current.kind !== 'valid' || current.document.expiresAt.getTime() <= candidate.expiresAt.getTime();
}
