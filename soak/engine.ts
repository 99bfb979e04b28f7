import { createMemoryTokenStore } from '../functions/adapters/parameter-store.js';
import { staticCredentialsSource } from '../functions/adapters/secrets.js';
import { DEFAULT_TOKEN_PARAMETER_NAME, REFRESHER_SETTINGS, refresherConfigOf } from '../functions/contracts/settings.js';
import { FASPAY_SANDBOX_BASE_URL } from '../functions/faspay/index.js';
import { composeRefresher } from '../functions/lambda/composition.js';
import { createMemoryRefreshLease } from '../functions/refresher/lease.js';
import type { RefreshOrder, RefreshResult } from '../functions/refresher/refresh.js';
import { createTokenLedger, DEMO_CREDENTIALS } from '../simulator/index.js';
import { createConsumerFleet, type FleetFigures } from './consumer-fleet.js';
import { createFakeFaspay, FAILURES, type FailureKind, type Outage, planOutages } from './faspay-weather.js';
import { createHealingTracker, HEAL_TARGET_SECONDS, type HealingFigures } from './healing.js';
import { createRandom, type Random } from './random.js';
import { createAgenda, createVirtualClock } from './virtual-time.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/**
 * The deployed configuration (infra/token-refresher-settings.ts REFRESHER_DEFAULTS and the stack's
 * environment) and the weather it is run through. Every field can be changed for what-if runs.
 */
export const SOAK_DEFAULTS = {
  days: 30,
  seed: 1,
  /** Share of token requests that fail outside outages. */
  failureRate: 0.2,
  outagesPerDay: 1,
  minOutageMinutes: 5,
  maxOutageMinutes: 90,
  scheduleMinutes: 15,
  /** Scheduler delivery plus cold/warm start: the run begins this long after the scheduled minute. */
  maxInvokeDelaySeconds: 20,
  tokenLifetimeSeconds: 36_000,
  refreshBeforeExpirySeconds: REFRESHER_SETTINGS.refreshBeforeExpirySeconds.default,
  httpTimeoutMs: REFRESHER_SETTINGS.httpTimeoutMs.default,
  maxAttempts: REFRESHER_SETTINGS.maxAttempts.default,
  /** The stack's function timeout for 3 attempts of 8 s (infra functionTimeoutSeconds). */
  functionTimeoutSeconds: 60,
  consumers: 4,
  consumerReadSeconds: 60,
  /** Faspay revokes every earlier token when it issues one (undocumented; the adversarial case). */
  revokeOnIssue: true,
  /** Expected outside reissues a day (someone else requesting a token with the same credentials). */
  reissuesPerDay: 1,
  /** The refresher's REJECTION_COOLDOWN_SECONDS. */
  rejectionCooldownSeconds: REFRESHER_SETTINGS.rejectionCooldownSeconds.default,
} as const;

export type SoakOptions = { -readonly [K in keyof typeof SOAK_DEFAULTS]: (typeof SOAK_DEFAULTS)[K] extends boolean ? boolean : number };

/** Delivery of a report (PutEvents, the rule, Lambda's async queue) and Lambda's retries of a failed invocation. */
const REPORT_DELIVERY_MS: readonly [number, number] = [300, 1500];
const LAMBDA_ASYNC_RETRY_DELAYS_MS = [60_000, 120_000] as const;

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
  readonly refresher: { readonly runs: number; readonly refreshed: number; readonly skipped: number; readonly failed: number };
  readonly consumers: FleetFigures;
  readonly healing: HealingFigures;
  /**
   * Empty when the run meets the bar: at most 1.3 scheduled tokens per day per minimum, no expired
   * token handed out, every consumer read served a valid token, every rejection healed within 60 s
   * of its first report, and at most one extra token per episode of refused calls.
   */
  readonly problems: readonly string[];
}

type Event =
  | { readonly kind: 'run'; readonly tick: number }
  | { readonly kind: 'read'; readonly consumer: number }
  | { readonly kind: 'reissue'; readonly next: number }
  | { readonly kind: 'report'; readonly parameterVersion: number; readonly delivery: number };

/** Outside reissues at random times, `perDay` expected a day. */
function planReissues(random: Random, startMs: number, days: number, perDay: number): number[] {
  const times: number[] = [];
  for (let day = 0; day < days; day++) {
    const whole = Math.floor(perDay);
    const count = whole + (random.chance(perDay - whole) ? 1 : 0);
    for (let i = 0; i < count; i++) times.push(startMs + day * DAY + random.integer(0, DAY - 1));
  }
  return times;
}

/**
 * Runs the real use case (createRefresher) on its deployed schedule for `days` on a virtual clock,
 * with the real Faspay HTTP adapter in front of a failing fake Faspay, an in-memory parameter, and
 * consumers reading through the real consumer provider and calling SendMe through the real signed
 * fetch. Outside reissues revoke the stored token (in revoke-on-issue mode); the consumers' reports
 * reach the same use case as `{ tokenRejected }` orders after an EventBridge-like delay, and a
 * failed one is retried as Lambda retries an asynchronous invocation. No real time passes: sleeps
 * and timeouts move the virtual clock. The same seed gives the same report.
 */
export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const options: SoakOptions = { ...SOAK_DEFAULTS, ...overrides };
  const startMs = Date.UTC(2026, 0, 1);
  const endMs = startMs + options.days * DAY;
  const random = createRandom(options.seed);
  // Reissues and report deliveries draw from their own stream: without them, the weather is the same draw for draw.
  const outside = createRandom((options.seed ^ 0x5eed_1e55) >>> 0);
  const clock = createVirtualClock(startMs);
  const store = createMemoryTokenStore(clock.now);
  const dayOf = (ms: number) => Math.min(options.days - 1, Math.floor((ms - startMs) / DAY));
  const perDay = () => new Array<number>(options.days).fill(0);
  const issuedByDay = perDay();
  let issuedBySchedule = 0;
  let running: 'schedule' | 'report' | undefined;
  let lostInTransit = 0;
  let firstIssueMs: number | undefined;
  const failedByDay = perDay();
  const failuresByKind: Partial<Record<FailureKind, number>> = {};
  const ledger = createTokenLedger({ now: clock.nowMs, revokeOnIssue: options.revokeOnIssue });
  const healing = createHealingTracker((fromMs, toMs) =>
    outages.reduce((sum, outage) => sum + Math.max(0, Math.min(toMs, outage.endMs) - Math.max(fromMs, outage.startMs)), 0),
  );
  let requests = 0;

  const outages: Outage[] = planOutages(random, { ...options, startMs });
  // The deployed configuration with the run's options; the declared defaults fill in the rest.
  const config = refresherConfigOf({
    faspayBaseUrl: new URL(FASPAY_SANDBOX_BASE_URL),
    credentialsSecretId: 'soak',
    tokenParameterName: DEFAULT_TOKEN_PARAMETER_NAME,
    refreshBeforeExpirySeconds: options.refreshBeforeExpirySeconds,
    refreshLookaheadSeconds: options.scheduleMinutes * 60,
    rejectionCooldownSeconds: options.rejectionCooldownSeconds,
    httpTimeoutMs: options.httpTimeoutMs,
    maxAttempts: options.maxAttempts,
  });
  const faspay = createFakeFaspay({
    clock,
    timeZone: config.timeZone,
    signedPath: config.signedPath,
    random,
    credentials: DEMO_CREDENTIALS,
    outages,
    failureRate: options.failureRate,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    ledger,
    onRequest: ({ atMs, failure, issuedToken }) => {
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
  });
  const { refresher } = composeRefresher(config, {
    store,
    lease: createMemoryRefreshLease(),
    credentials: staticCredentialsSource(DEMO_CREDENTIALS),
    fetch: faspay.fetch,
    clock: clock.now,
    sleep: clock.sleep,
    random: random.next,
    observer: { requesting: (_requestedAt, timeoutMs) => faspay.attemptStarted(timeoutMs) },
  });
  const agenda = createAgenda<Event>();
  const deliverReport = (parameterVersion: number, delivery: number, afterMs: number) =>
    agenda.add(clock.nowMs() + afterMs, { kind: 'report', parameterVersion, delivery });
  const fleet = createConsumerFleet({
    count: options.consumers,
    parameterName: config.tokenParameterName,
    timeZone: config.timeZone,
    store,
    clock,
    random,
    ledger,
    onReport: (_consumer, parameterVersion) => {
      healing.reported(clock.nowMs());
      deliverReport(parameterVersion, 0, outside.integer(...REPORT_DELIVERY_MS));
    },
  });
  const invoke = async (order: RefreshOrder, trigger: 'schedule' | 'report'): Promise<RefreshResult> => {
    const deadlineMs = clock.nowMs() + options.functionTimeoutSeconds * SECOND;
    running = trigger;
    try {
      return await refresher.refresh(order, { remainingTimeMs: () => deadlineMs - clock.nowMs() });
    } finally {
      running = undefined;
    }
  };

  const runAt = (tick: number) =>
    startMs + tick * options.scheduleMinutes * MINUTE + random.integer(500, options.maxInvokeDelaySeconds * SECOND);
  agenda.add(runAt(0), { kind: 'run', tick: 0 });
  for (let consumer = 0; consumer < options.consumers; consumer++) {
    agenda.add(startMs + MINUTE + random.integer(0, options.consumerReadSeconds * SECOND), { kind: 'read', consumer });
  }
  // One pending at a time: the agenda is a sorted array, and a year of reissues in it would slow every insertion.
  const reissues = planReissues(outside, startMs, options.days, options.reissuesPerDay).sort((a, b) => a - b);
  if (reissues.length > 0) agenda.add(reissues[0]!, { kind: 'reissue', next: 1 });

  const outcomes = { runs: 0, refreshed: 0, skipped: 0, failed: 0 };
  const replacedAtAges: number[] = [];
  for (let entry = agenda.next(); entry !== undefined && entry.atMs < endMs; entry = agenda.next()) {
    clock.advanceTo(entry.atMs);
    const { event } = entry;
    if (event.kind === 'read') {
      healing.call(await fleet.read(event.consumer), clock.nowMs());
      agenda.add(entry.atMs + options.consumerReadSeconds * SECOND, event);
      continue;
    }
    if (event.kind === 'reissue') {
      faspay.issueOutside();
      healing.revoked();
      healing.outsideReissue();
      if (event.next < reissues.length) agenda.add(reissues[event.next]!, { kind: 'reissue', next: event.next + 1 });
      continue;
    }
    if (event.kind === 'report') {
      const result = await invoke(
        { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: event.parameterVersion } },
        'report',
      );
      healing.invocation(
        result.ok ? { ok: true, refreshed: result.summary.refreshed, reason: result.summary.reason } : { ok: false },
        clock.nowMs(),
      );
      // The handler rejects on a failed refresh, so Lambda retries the asynchronous invocation (twice).
      const retryDelayMs = LAMBDA_ASYNC_RETRY_DELAYS_MS[event.delivery];
      if (!result.ok && retryDelayMs !== undefined) deliverReport(event.parameterVersion, event.delivery + 1, retryDelayMs);
      continue;
    }
    const before = (await store.read())?.value;
    const result = await invoke({ force: false, trigger: 'schedule' }, 'schedule');
    outcomes.runs++;
    if (!result.ok) outcomes.failed++;
    else if (!result.summary.refreshed) outcomes.skipped++;
    else {
      outcomes.refreshed++;
      healing.scheduledStore(clock.nowMs());
      if (before !== undefined) replacedAtAges.push((clock.nowMs() - Date.parse(JSON.parse(before).issuedAt)) / 3_600_000);
    }
    agenda.add(runAt(event.tick + 1), { kind: 'run', tick: event.tick + 1 });
  }

  const issued = issuedByDay.reduce((sum, n) => sum + n, 0);
  const failedRequests = failedByDay.reduce((sum, n) => sum + n, 0);
  const minimumPerDay = DAY / (options.tokenLifetimeSeconds * SECOND);
  // The first token only fills the empty parameter; healing tokens are counted on their own.
  const issuedPerDay = issuedBySchedule <= 1 ? 0 : (issuedBySchedule - 1) / ((endMs - firstIssueMs!) / DAY);
  const consumers = fleet.figures();
  const healed = healing.figures(endMs);
  const failedReads = Object.values(consumers.failedReads).reduce((sum, n) => sum + n, 0);
  const ages = replacedAtAges.length === 0 ? [0] : replacedAtAges;
  const problems = [
    ...(issuedPerDay / minimumPerDay > 1.3
      ? [`${(issuedPerDay / minimumPerDay).toFixed(3)} tokens issued per day per minimum (limit 1.3)`]
      : []),
    ...(consumers.expiredHandedOut > 0 ? [`${consumers.expiredHandedOut} expired tokens handed out to consumers`] : []),
    ...(failedReads > 0 ? [`${failedReads} consumer reads found no valid token`] : []),
    ...(healed.slowHeals > 0
      ? [
          `${healed.slowHeals} rejections not healed within ${HEAL_TARGET_SECONDS} s of the first report (Faspay answering) or of the replacement being stored ` +
            `(${healed.cooldownEpisodes} met the cooldown)`,
        ]
      : []),
    ...(healed.tokensWithoutRevocation > 0
      ? [`${healed.tokensWithoutRevocation} healing tokens bought although nothing had revoked the stored one (limit 0)`]
      : []),
  ];
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
    problems,
  };
}

export { FAILURES };
