import type { CallOutcome } from './consumer-fleet.js';

/** Longest accepted time from the first rejection report to the first accepted call. */
export const HEAL_TARGET_SECONDS = 60;

/** What the rejection reports did, and how fast consumers were served again. */
export interface HealingFigures {
  /** Tokens someone else obtained with the same credentials (each revokes the stored one in revoke-on-issue mode). */
  readonly outsideReissues: number;
  /** Stretches during which consumers' calls were refused, from the first refused call to the first accepted one. */
  readonly episodes: number;
  readonly unhealedAtEnd: number;
  /** Refresher invocations by a report (Lambda's own retries of a failed one included). */
  readonly reportInvocations: number;
  /** Report invocations that did nothing, by reason (report-outdated, cooldown, ...). */
  readonly reportsIgnored: Readonly<Record<string, number>>;
  readonly reportInvocationsFailed: number;
  /** Tokens published by report invocations: the extra tokens healing cost. */
  readonly tokensPublished: number;
  /** Tokens Faspay created during report invocations (published, superseded or lost in transit). */
  readonly tokensCreated: number;
  /** Most tokens published by reports within one episode (target: 1). */
  readonly mostTokensInOneEpisode: number;
  /** Seconds from an episode's first report to its first accepted call. */
  readonly reportToHealedSeconds: { readonly mean: number; readonly max: number };
  /** Seconds from an episode's first refused call to its first accepted call. */
  readonly refusedToHealedSeconds: { readonly mean: number; readonly max: number };
  /** Episodes healed later than HEAL_TARGET_SECONDS after their first report (or not at all). */
  readonly slowHeals: number;
  /** Of those, episodes whose first report came while Faspay was out: no refresher could heal them in time. */
  readonly slowHealsInOutage: number;
}

interface Episode {
  readonly firstRefusedMs: number;
  firstReportMs?: number;
  tokens: number;
}

/** Follows consumer calls and report invocations through the run and sums them up; `inOutage` tells when Faspay was out. */
export function createHealingTracker(inOutage: (ms: number) => boolean) {
  const closed: { reportToHealedMs?: number; refusedToHealedMs: number; tokens: number; reportInOutage: boolean }[] = [];
  let open: Episode | undefined;
  let outsideReissues = 0;
  let reportInvocations = 0;
  let reportInvocationsFailed = 0;
  let tokensPublished = 0;
  let tokensCreated = 0;
  const reportsIgnored: Record<string, number> = {};

  return {
    outsideReissue() {
      outsideReissues++;
    },
    /** A consumer sent a report (it fires before the refused call's outcome is recorded). */
    reported(nowMs: number) {
      open ??= { firstRefusedMs: nowMs, tokens: 0 };
      open.firstReportMs ??= nowMs;
    },
    call(outcome: CallOutcome, nowMs: number) {
      if (outcome === 'refused') open ??= { firstRefusedMs: nowMs, tokens: 0 };
      if ((outcome === 'accepted' || outcome === 'accepted-on-retry') && open !== undefined) {
        closed.push({
          refusedToHealedMs: nowMs - open.firstRefusedMs,
          ...(open.firstReportMs === undefined ? {} : { reportToHealedMs: nowMs - open.firstReportMs }),
          tokens: open.tokens,
          reportInOutage: open.firstReportMs !== undefined && inOutage(open.firstReportMs),
        });
        open = undefined;
      }
    },
    tokenCreated() {
      tokensCreated++;
    },
    invocation(result: { readonly ok: boolean; readonly refreshed?: boolean; readonly reason?: string }) {
      reportInvocations++;
      if (!result.ok) reportInvocationsFailed++;
      else if (result.refreshed === true) {
        tokensPublished++;
        if (open !== undefined) open.tokens++;
      } else reportsIgnored[result.reason ?? 'unknown'] = (reportsIgnored[result.reason ?? 'unknown'] ?? 0) + 1;
    },
    /** `endMs`: the end of the run (an episode still open then counts as slow once its first report is older than the target). */
    figures(endMs: number): HealingFigures {
      const stats = (values: number[]) =>
        values.length === 0 ? { mean: 0, max: 0 } : { mean: values.reduce((a, b) => a + b, 0) / values.length / 1000, max: Math.max(...values) / 1000 };
      const reported = closed.flatMap((episode) => (episode.reportToHealedMs === undefined ? [] : [episode.reportToHealedMs]));
      const slow = closed.filter((episode) => (episode.reportToHealedMs ?? 0) > HEAL_TARGET_SECONDS * 1000);
      const openSlow = open?.firstReportMs !== undefined && endMs - open.firstReportMs > HEAL_TARGET_SECONDS * 1000;
      return {
        outsideReissues,
        episodes: closed.length + (open === undefined ? 0 : 1),
        unhealedAtEnd: open === undefined ? 0 : 1,
        reportInvocations,
        reportsIgnored: { ...reportsIgnored },
        reportInvocationsFailed,
        tokensPublished,
        tokensCreated,
        mostTokensInOneEpisode: Math.max(0, open?.tokens ?? 0, ...closed.map((episode) => episode.tokens)),
        reportToHealedSeconds: stats(reported),
        refusedToHealedSeconds: stats(closed.map((episode) => episode.refusedToHealedMs)),
        slowHeals: slow.length + (openSlow ? 1 : 0),
        slowHealsInOutage: slow.filter((episode) => episode.reportInOutage).length + (openSlow && inOutage(open!.firstReportMs!) ? 1 : 0),
      };
    },
  };
}
