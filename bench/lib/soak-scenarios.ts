import type { SoakReport } from '../../soak/figures.js';
import type { SoakOptions } from '../../soak/options.js';

/**
 * The fleets and mishaps the soak run meets (issue 15), as options of `npm run simulate`. Each is
 * run on its own, and `fleet` all at once: the busy fleet the done-when figures are held against.
 */
export const SCENARIOS = {
  /** The deployed defaults: four consumers calling every 60 s, one outside reissue a day. */
  default: {},
  /** One more consumer calling every 5 s. */
  busy: { busyConsumers: 1 },
  /** Busy, and twice a day a forced refresh followed 2 s later by an outside reissue (inside the cooldown). */
  'in-cooldown': { busyConsumers: 1, forcedReissuesPerDay: 2 },
  /** Twice a day a run gets a token from Faspay and crashes holding the lease. */
  crashed: { crashedRunsPerDay: 2 },
  /** A fifth consumer signing in the wrong time zone: every call refused, the token fine. */
  misconfigured: { misconfiguredConsumers: 1 },
  /** Faspay grants 172,801 s tokens (over the 48 h the refresher accepts). */
  'long-grants': { tokenLifetimeSeconds: 172_801 },
  /** All of the above but the long grants: the busy fleet. */
  fleet: { busyConsumers: 1, misconfiguredConsumers: 1, forcedReissuesPerDay: 2, crashedRunsPerDay: 2 },
  /** The figure issue 15 reports: every consumer calling every 5 s, 48 reissues a day, 10 days. */
  'issue-15': { days: 10, consumerReadSeconds: 5, reissuesPerDay: 48 },
} as const satisfies Record<string, Partial<SoakOptions>>;

export type ScenarioName = keyof typeof SCENARIOS;

export interface SoakRun {
  readonly scenario: ScenarioName;
  readonly seed: number;
  readonly days?: number;
}

const seeds = (scenario: ScenarioName, ...list: number[]): SoakRun[] => list.map((seed) => ({ scenario, seed }));

/** What `npm run bench:soak` runs: the done-when set (30 days, seeds 1–5, busy fleet included, 365 days for seed 1), then each mishap alone. */
export const SOAK_RUNS: readonly SoakRun[] = [
  ...seeds('default', 1, 2, 3, 4, 5),
  ...seeds('fleet', 1, 2, 3, 4, 5),
  { scenario: 'default', seed: 1, days: 365 },
  { scenario: 'fleet', seed: 1, days: 365 },
  ...(['busy', 'in-cooldown', 'crashed', 'misconfigured', 'long-grants', 'issue-15'] as const).map((scenario) => ({ scenario, seed: 1 })),
];

export const optionsOf = (run: SoakRun): Partial<SoakOptions> => ({
  ...SCENARIOS[run.scenario],
  seed: run.seed,
  ...(run.days === undefined ? {} : { days: run.days }),
});

/** The figures of one run that the tables compare (before and after a change). */
export interface SoakRow {
  readonly run: string;
  readonly perMinimum: number;
  readonly expiredHandedOut: number;
  readonly failedReads: number;
  readonly refusedShare: number;
  readonly episodes: number;
  readonly reportToAcceptedMax: number;
  readonly reportTarget: number;
  readonly storedToAcceptedMax: number;
  readonly slowHeals: number;
  readonly healingTokens: number;
  readonly withoutRevocation: number;
  readonly misconfiguredBought: number;
  readonly misconfiguredRefuted: number;
  /** Hours in which the refuted-report alarm fired (absent in rows saved before it was modelled: none). */
  readonly refutedAlarmPeriods?: number;
  readonly problems: number;
  readonly wallMs: number;
}

export const nameOf = (run: SoakRun) => `${run.scenario}, seed ${run.seed}${run.days === undefined ? '' : `, ${run.days} days`}`;

export function rowOf(run: SoakRun, report: SoakReport, wallMs: number): SoakRow {
  const { calls } = report.consumers;
  return {
    run: nameOf(run),
    perMinimum: report.tokens.perMinimum,
    expiredHandedOut: report.consumers.expiredHandedOut,
    failedReads: Object.values(report.consumers.failedReads).reduce((a, b) => a + b, 0),
    refusedShare: calls.refused / Math.max(1, calls.accepted + calls.acceptedOnRetry + calls.refused),
    episodes: report.healing.episodes,
    reportToAcceptedMax: report.healing.reportToHealedSeconds.max,
    reportTarget: report.healing.reportTargetSeconds,
    storedToAcceptedMax: report.healing.storedToHealedSeconds.max,
    slowHeals: report.healing.slowHeals,
    healingTokens: report.healing.tokensPublished,
    withoutRevocation: report.healing.tokensWithoutRevocation,
    misconfiguredBought: report.healing.misconfigured.tokensBought,
    misconfiguredRefuted: report.healing.misconfigured.refuted,
    refutedAlarmPeriods: report.healing.refutedAlarmPeriods,
    problems: report.problems.length,
    wallMs,
  };
}

/** One table line: `after` beside `before` (same run) when there is one. */
export function formatRow(after: SoakRow, before: SoakRow | undefined): string {
  const pair = (pick: (row: SoakRow) => string) => (before === undefined ? pick(after) : `${pick(before)} → ${pick(after)}`);
  return `| ${after.run} | ${[
    pair((r) => r.perMinimum.toFixed(3)),
    pair((r) => String(r.expiredHandedOut)),
    pair((r) => String(r.failedReads)),
    pair((r) => `${(r.refusedShare * 100).toFixed(2)}%`),
    pair((r) => `${r.reportToAcceptedMax.toFixed(1)}`),
    pair((r) => r.storedToAcceptedMax.toFixed(1)),
    pair((r) => String(r.slowHeals)),
    pair((r) => `${r.healingTokens} (${r.withoutRevocation})`),
    pair((r) => `${r.misconfiguredBought}; ${r.misconfiguredRefuted}; ${r.refutedAlarmPeriods ?? 0}`),
    pair((r) => (r.problems === 0 ? 'PASS' : 'FAIL')),
    `${(after.wallMs / 1000).toFixed(0)} s`,
  ].join(' | ')} |`;
}

export const ROW_HEADER = [
  '| run | scheduled tokens/day per minimum (≤ 1.3) | expired handed out | failed reads | refused calls | first report to accepted, max s (≤ cooldown + 60 = 120) | stored to accepted, max s (≤ 60) | episodes over the limit | healing tokens (bought with no revocation) | misconfigured: tokens bought; reports refuted; hours the alarm fired | verdict | wall time |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
