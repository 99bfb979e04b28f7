import type { RefreshResult } from '../functions/refresher/refresh.js';
import type { FleetFigures } from './consumer-fleet.js';
import type { FailureKind, FaspayRequestRecord, Outage } from './faspay-weather.js';
import { type createHealingTracker, HEAL_TARGET_SECONDS, type HealingFigures } from './healing.js';
import { DAY, MINUTE, SECOND, type SoakOptions } from './options.js';

export interface SoakReport {
  readonly options: SoakOptions;
  readonly tokens: {
    /** Tokens Faspay delivered to the refresher (successful token requests), healing included. */
    readonly issued: number;
    /** Of those, delivered to runs of the schedule: what the per-minimum bar is held against. */
    readonly issuedBySchedule: number;
    /** Tokens Faspay may have created but never delivered (answers that timed out or broke off): failed requests. */
    readonly lostInTransit: number;
    readonly published: number;
    /**
     * Steady state, the figure held against the minimum: tokens after the first one (which only
     * fills the empty parameter), per day from the first token to the end of the run.
     */
    readonly issuedPerDay: number;
    readonly worstDay: number;
    /** 24 h divided by the token lifetime. */
    readonly minimumPerDay: number;
    readonly perMinimum: number;
    /** Age of a stored token when the refresher replaced it, in hours. */
    readonly replacedAtAgeHours: { readonly min: number; readonly mean: number; readonly max: number };
  };
  readonly faspay: {
    readonly requests: number;
    readonly failedRequests: number;
    readonly failedPerDay: number;
    readonly worstDayFailed: number;
    readonly failuresByKind: Readonly<Partial<Record<FailureKind, number>>>;
    readonly outages: number;
    readonly longestOutageMinutes: number;
  };
  readonly refresher: {
    readonly runs: number;
    readonly refreshed: number;
    readonly skipped: number;
    readonly failed: number;
    /** Forced refreshes (each followed by an outside reissue) and runs that crashed holding the lease. */
    readonly forced: number;
    readonly crashed: number;
    /** Read-only SendMe calls the refresher made itself (to confirm reports). */
    readonly sendmeCalls: number;
  };
  readonly consumers: FleetFigures;
  readonly healing: HealingFigures;
  /**
   * Empty when the run meets the bar: at most 1.3 scheduled tokens per day per minimum, no expired
   * token handed out, every consumer read served a valid token, every rejection healed within the
   * cooldown + 60 s of its first report (Faspay answering) and within 60 s of its replacement, at most
   * one token per revocation, and a misconfigured consumer buys no token and has its reports refuted.
   */
  readonly problems: readonly string[];
}

/** Who made a token request: a run of the schedule, an invocation by a rejection report, or a forced refresh. */
export type Trigger = 'schedule' | 'report' | 'force';

/** Counts what Faspay saw and what the schedule's runs did, day by day, and sums it up as the report. */
export function createSoakTally(options: SoakOptions, startMs: number, healing: ReturnType<typeof createHealingTracker>) {
  const dayOf = (ms: number) => Math.min(options.days - 1, Math.floor((ms - startMs) / DAY));
  const perDay = () => new Array<number>(options.days).fill(0);
  const issuedByDay = perDay();
  const failedByDay = perDay();
  const failuresByKind: Partial<Record<FailureKind, number>> = {};
  let issuedBySchedule = 0;
  let lostInTransit = 0;
  let firstIssueMs: number | undefined;
  let requests = 0;
  const outcomes = { runs: 0, refreshed: 0, skipped: 0, failed: 0, forced: 0, crashed: 0, sendmeCalls: 0 };
  const replacedAtAges: number[] = [];

  return {
    /** A token request, answered (or not) by Faspay while `running` was in progress. */
    request({ atMs, failure, issuedToken }: FaspayRequestRecord, running: Trigger | undefined): void {
      requests++;
      if (issuedToken !== undefined && running === 'report') healing.tokenCreated();
      if (failure === undefined) {
        issuedByDay[dayOf(atMs)]!++;
        if (running === 'schedule') issuedBySchedule++;
        firstIssueMs ??= atMs;
        return;
      }
      if (issuedToken !== undefined) {
        lostInTransit++;
        // Faspay created it, so in revoke-on-issue mode it revoked the stored token (unless this run stores another).
        if (options.revokeOnIssue) healing.revoked();
      }
      failedByDay[dayOf(atMs)]!++;
      failuresByKind[failure] = (failuresByKind[failure] ?? 0) + 1;
    },

    /** A run of the schedule; `replaced` is the stored value it found, when there was one. */
    scheduledRun(result: RefreshResult, replaced: string | undefined, nowMs: number): void {
      outcomes.runs++;
      if (!result.ok) outcomes.failed++;
      else if (!result.summary.refreshed) outcomes.skipped++;
      else {
        outcomes.refreshed++;
        healing.stored(nowMs);
        if (replaced !== undefined) replacedAtAges.push((nowMs - Date.parse(JSON.parse(replaced).issuedAt)) / 3_600_000);
      }
    },

    /** A forced refresh; it stores a token of its own unless another run was under way. */
    forcedRun(result: RefreshResult, nowMs: number): void {
      outcomes.forced++;
      if (result.ok && result.summary.refreshed) healing.stored(nowMs);
    },
    crashedRun(): void {
      outcomes.crashed++;
    },
    sendmeCall(): void {
      outcomes.sendmeCalls++;
    },

    report(endMs: number, outages: readonly Outage[], consumers: FleetFigures): SoakReport {
      const issued = issuedByDay.reduce((sum, n) => sum + n, 0);
      const failedRequests = failedByDay.reduce((sum, n) => sum + n, 0);
      const minimumPerDay = DAY / (options.tokenLifetimeSeconds * SECOND);
      // The first token only fills the empty parameter; healing tokens are counted on their own.
      const issuedPerDay = issuedBySchedule <= 1 ? 0 : (issuedBySchedule - 1) / ((endMs - firstIssueMs!) / DAY);
      const healed = healing.figures(endMs);
      const ages = replacedAtAges.length === 0 ? [0] : replacedAtAges;
      return {
        options,
        tokens: {
          issued,
          issuedBySchedule,
          lostInTransit,
          published: outcomes.refreshed,
          issuedPerDay,
          worstDay: Math.max(...issuedByDay),
          minimumPerDay,
          perMinimum: issuedPerDay / minimumPerDay,
          replacedAtAgeHours: {
            min: Math.min(...ages),
            mean: ages.reduce((sum, n) => sum + n, 0) / ages.length,
            max: Math.max(...ages),
          },
        },
        faspay: {
          requests,
          failedRequests,
          failedPerDay: failedRequests / options.days,
          worstDayFailed: Math.max(...failedByDay),
          failuresByKind,
          outages: outages.length,
          longestOutageMinutes: Math.max(0, ...outages.map((outage) => (outage.endMs - outage.startMs) / MINUTE)),
        },
        refresher: outcomes,
        consumers,
        healing: healed,
        problems: problemsOf(issuedPerDay / minimumPerDay, consumers, healed, options.rejectionCooldownSeconds),
      };
    },
  };
}

/** What keeps the run from meeting the bar (SoakReport.problems). */
function problemsOf(perMinimum: number, consumers: FleetFigures, healed: HealingFigures, cooldownSeconds: number): string[] {
  const failedReads = Object.values(consumers.failedReads).reduce((sum, n) => sum + n, 0);
  return [
    ...(perMinimum > 1.3 ? [`${perMinimum.toFixed(3)} tokens issued per day per minimum (limit 1.3)`] : []),
    ...(consumers.expiredHandedOut > 0 ? [`${consumers.expiredHandedOut} expired tokens handed out to consumers`] : []),
    ...(failedReads > 0 ? [`${failedReads} consumer reads found no valid token`] : []),
    ...(healed.slowHeals > 0
      ? [
          `${healed.slowHeals} rejections not healed within cooldown + ${HEAL_TARGET_SECONDS} s (${cooldownSeconds + HEAL_TARGET_SECONDS} s) of the first report ` +
            `(Faspay answering) or within ${HEAL_TARGET_SECONDS} s of the replacement being stored ` +
            `(${healed.cooldownEpisodes} met the cooldown)`,
        ]
      : []),
    ...(healed.tokensWithoutRevocation > 0
      ? [`${healed.tokensWithoutRevocation} healing tokens bought although nothing had revoked the stored one (limit 0)`]
      : []),
    ...(healed.misconfigured.tokensBought > 0
      ? [`${healed.misconfigured.tokensBought} tokens bought on a misconfigured consumer's reports (limit 0)`]
      : []),
    ...(consumers.misconfigured.consumers > 0 && healed.refutedAlarmPeriods === 0
      ? [`the refuted-report alarm never fired (${healed.misconfigured.refuted} of the misconfigured consumer's reports refuted)`]
      : []),
  ];
}
