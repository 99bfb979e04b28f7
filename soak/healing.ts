import type { CallOutcome } from './consumer-fleet.js';

/**
 * Longest accepted time from the replacement being stored to the first accepted call, and beyond the
 * rejection cooldown from the first report to the first accepted call (Faspay answering all along).
 */
export const HEAL_TARGET_SECONDS = 60;

/** The summary reasons of a report the refresher found refuted (SendMe accepted the stored token). */
const REFUTED_REASONS: ReadonlySet<string> = new Set(['refuted']);

/** Who sent a report: a well-configured consumer, or a misconfigured one (SendMe refuses all its calls). */
export type ReportSource = 'fleet' | 'misconfigured';

interface Spread {
  readonly mean: number;
  readonly max: number;
}

/** What the rejection reports did, and how fast consumers were served again. */
export interface HealingFigures {
  /** Tokens someone else obtained with the same credentials (each revokes the stored one in revoke-on-issue mode). */
  readonly outsideReissues: number;
  /** Stretches during which consumers' calls were refused, from the first refused call to the first accepted one. */
  readonly episodes: number;
  readonly unhealedAtEnd: number;
  /** First report to first accepted call, Faspay answering: at most the rejection cooldown plus HEAL_TARGET_SECONDS. */
  readonly reportTargetSeconds: number;
  /** Refresher invocations by a report (Lambda's own retries of a failed one included, as deployed: none). */
  readonly reportInvocations: number;
  /** Report invocations that did nothing, by reason (report-outdated, cooldown, ...). */
  readonly reportsIgnored: Readonly<Record<string, number>>;
  readonly reportInvocationsFailed: number;
  /** Tokens published by report invocations: the extra tokens healing cost. */
  readonly tokensPublished: number;
  /** Tokens Faspay created during report invocations (published, superseded or lost in transit). */
  readonly tokensCreated: number;
  /**
   * Tokens published by reports although nothing had revoked the stored token since the last one was
   * stored (an outside reissue, or a token lost in transit): a report chain. Target 0, that is, at
   * most one healing token per revocation.
   */
  readonly tokensWithoutRevocation: number;
  /**
   * Seconds from an episode's first report to its first accepted call, episodes that met no Faspay
   * outage: the target holds these. When a replacement was revoked before it served, from the first
   * report after that revocation.
   */
  readonly reportToHealedSeconds: Spread;
  /** Episodes whose healing met a Faspay outage (nothing can heal while Faspay is out). */
  readonly episodesInOutage: number;
  /**
   * Their seconds from the first report to the first accepted call, outage time left out (a failed
   * healing leaves the token due, and the schedule's next successful run replaces it).
   */
  readonly inOutageHealedWhileUpSeconds: Spread;
  /** Seconds from the first replacement stored during an episode to its first accepted call: target 60 s. */
  readonly storedToHealedSeconds: Spread;
  /** Seconds from an episode's first refused call to its first accepted call, all episodes. */
  readonly refusedToHealedSeconds: Spread;
  /**
   * Episodes over the target: more than reportTargetSeconds from the first report to the first
   * accepted call without an outage, or HEAL_TARGET_SECONDS from the replacement stored to the first accepted call.
   */
  readonly slowHeals: number;
  /** Episodes in which the refresher ignored a report for the cooldown (the revoked token was that young). */
  readonly cooldownEpisodes: number;
  /**
   * Reports by misconfigured consumers: invocations, tokens they bought with nothing revoked since
   * the last stored token (target 0), reports refuted.
   */
  readonly misconfigured: { readonly invocations: number; readonly tokensBought: number; readonly refuted: number };
  /** Alarm periods in which the refuted-report alarm fired (refuted reports, anyone's, at or over its threshold). */
  readonly refutedAlarmPeriods: number;
}

/** The refuted-report alarm as deployed: `threshold` refuted reports within one period of `periodMs` fire it. */
export interface RefutedAlarm {
  readonly threshold: number;
  readonly periodMs: number;
}

interface Episode {
  readonly firstRefusedMs: number;
  firstReportMs?: number;
  firstStoredMs?: number;
  cooldownIgnored?: boolean;
  /** A replacement stored in this episode was revoked before it served, and had been stored too late for its own first report. */
  slowBeforeRevoked?: boolean;
}

interface ClosedEpisode {
  readonly refusedToHealedMs: number;
  readonly reportToHealedMs?: number;
  readonly reportToHealedWhileUpMs?: number;
  readonly storedToHealedMs?: number;
  readonly metOutage: boolean;
  readonly cooldownIgnored: boolean;
  readonly slowBeforeRevoked: boolean;
}

/**
 * Follows consumer calls and report invocations through the run and sums them up;
 * `outageMs(from, to)` says how much of that span Faspay was out.
 */
export function createHealingTracker(
  outageMs: (fromMs: number, toMs: number) => number,
  rejectionCooldownSeconds: number,
  refutedAlarm: RefutedAlarm,
) {
  // CloudWatch periods are aligned to the clock: refuted reports counted per period.
  const refutedByPeriod = new Map<number, number>();
  const closed: ClosedEpisode[] = [];
  let open: Episode | undefined;
  let revokedSinceStored = false;
  let tokensWithoutRevocation = 0;
  let outsideReissues = 0;
  let reportInvocations = 0;
  let reportInvocationsFailed = 0;
  let tokensPublished = 0;
  let tokensCreated = 0;
  const reportsIgnored: Record<string, number> = {};
  const misconfigured = { invocations: 0, tokensBought: 0, refuted: 0 };

  const close = (episode: Episode, endMs: number): ClosedEpisode => {
    const out = outageMs(episode.firstReportMs ?? episode.firstRefusedMs, endMs);
    return {
      refusedToHealedMs: endMs - episode.firstRefusedMs,
      ...(episode.firstReportMs === undefined
        ? {}
        : { reportToHealedMs: endMs - episode.firstReportMs, reportToHealedWhileUpMs: endMs - episode.firstReportMs - out }),
      ...(episode.firstStoredMs === undefined ? {} : { storedToHealedMs: endMs - episode.firstStoredMs }),
      metOutage: out > 0,
      cooldownIgnored: episode.cooldownIgnored === true,
      slowBeforeRevoked: episode.slowBeforeRevoked === true,
    };
  };

  return {
    outsideReissue() {
      outsideReissues++;
    },
    /** The stored token may have just been revoked (an outside reissue, a token lost in transit). */
    revoked() {
      revokedSinceStored = true;
      if (open?.firstStoredMs === undefined) return;
      // A replacement revoked before it served a call (a crashed run, another reissue) did not heal
      // anything: the next one stored is the replacement. Its revocation is a new rejection, refused
      // calls running on: the report clock starts again at its first report, and the rejection before
      // it is held to the same limit up to its replacement being stored (no call could show more).
      const reportTargetMs = (rejectionCooldownSeconds + HEAL_TARGET_SECONDS) * 1000;
      const { firstReportMs, firstStoredMs } = open;
      if (firstReportMs !== undefined && firstStoredMs - firstReportMs > reportTargetMs && outageMs(firstReportMs, firstStoredMs) === 0)
        open.slowBeforeRevoked = true;
      delete open.firstReportMs;
      delete open.firstStoredMs;
    },
    /** A scheduled or forced run stored a token. */
    stored(nowMs: number) {
      revokedSinceStored = false;
      if (open !== undefined) open.firstStoredMs ??= nowMs;
    },
    /** A consumer sent a report (it fires before the refused call's outcome is recorded). */
    reported(nowMs: number) {
      open ??= { firstRefusedMs: nowMs };
      open.firstReportMs ??= nowMs;
    },
    call(outcome: CallOutcome, nowMs: number) {
      if (outcome === 'refused') open ??= { firstRefusedMs: nowMs };
      if ((outcome === 'accepted' || outcome === 'accepted-on-retry') && open !== undefined) {
        closed.push(close(open, nowMs));
        open = undefined;
      }
    },
    tokenCreated() {
      tokensCreated++;
    },
    invocation(
      result: { readonly ok: boolean; readonly refreshed?: boolean; readonly reason?: string },
      nowMs: number,
      source: ReportSource,
    ) {
      reportInvocations++;
      if (source === 'misconfigured') {
        misconfigured.invocations++;
        // A report of a token that really was revoked (an outside reissue) is right to buy one, whoever sent it.
        if (result.ok && result.refreshed === true && !revokedSinceStored) misconfigured.tokensBought++;
        if (result.ok && REFUTED_REASONS.has(result.reason ?? '')) misconfigured.refuted++;
      }
      if (result.ok && REFUTED_REASONS.has(result.reason ?? '')) {
        const period = Math.floor(nowMs / refutedAlarm.periodMs);
        refutedByPeriod.set(period, (refutedByPeriod.get(period) ?? 0) + 1);
      }
      if (!result.ok) {
        reportInvocationsFailed++;
      } else if (result.refreshed === true) {
        tokensPublished++;
        if (!revokedSinceStored) tokensWithoutRevocation++;
        revokedSinceStored = false;
        if (open !== undefined) open.firstStoredMs ??= nowMs;
      } else {
        const reason = result.reason ?? 'unknown';
        reportsIgnored[reason] = (reportsIgnored[reason] ?? 0) + 1;
        if (reason === 'cooldown' && open !== undefined) open.cooldownIgnored = true;
      }
    },
    /** `endMs`: the end of the run (an episode still open then is measured up to it). */
    figures(endMs: number): HealingFigures {
      const all = open === undefined ? closed : [...closed, close(open, endMs)];
      const spread = (values: readonly number[]): Spread =>
        values.length === 0
          ? { mean: 0, max: 0 }
          : { mean: values.reduce((a, b) => a + b, 0) / values.length / 1000, max: Math.max(...values) / 1000 };
      const of = (episodes: readonly ClosedEpisode[], pick: (episode: ClosedEpisode) => number | undefined) =>
        episodes.flatMap((episode) => (pick(episode) === undefined ? [] : [pick(episode)!]));
      const targetMs = HEAL_TARGET_SECONDS * 1000;
      const reportTargetMs = rejectionCooldownSeconds * 1000 + targetMs;
      const clear = all.filter((episode) => !episode.metOutage);
      const inOutage = all.filter((episode) => episode.metOutage);
      return {
        outsideReissues,
        episodes: all.length,
        unhealedAtEnd: open === undefined ? 0 : 1,
        reportTargetSeconds: reportTargetMs / 1000,
        reportInvocations,
        reportsIgnored: { ...reportsIgnored },
        reportInvocationsFailed,
        tokensPublished,
        tokensCreated,
        tokensWithoutRevocation,
        reportToHealedSeconds: spread(of(clear, (episode) => episode.reportToHealedMs)),
        episodesInOutage: inOutage.length,
        inOutageHealedWhileUpSeconds: spread(of(inOutage, (episode) => episode.reportToHealedWhileUpMs)),
        storedToHealedSeconds: spread(of(all, (episode) => episode.storedToHealedMs)),
        refusedToHealedSeconds: spread(of(all, (episode) => episode.refusedToHealedMs)),
        slowHeals: all.filter(
          (episode) =>
            (!episode.metOutage && ((episode.reportToHealedMs ?? 0) > reportTargetMs || episode.slowBeforeRevoked)) ||
            (episode.storedToHealedMs ?? 0) > targetMs,
        ).length,
        cooldownEpisodes: all.filter((episode) => episode.cooldownIgnored).length,
        misconfigured: { ...misconfigured },
        refutedAlarmPeriods: [...refutedByPeriod.values()].filter((count) => count >= refutedAlarm.threshold).length,
      };
    },
  };
}
