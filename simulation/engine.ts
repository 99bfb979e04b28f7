import { createMemoryTokenStore } from '../functions/adapters/parameter-store.js';
import { staticCredentialsSource } from '../functions/adapters/secrets.js';
import { CONFIG_DEFAULTS } from '../functions/refresher/config.js';
import { createRefresher } from '../functions/refresher/refresh.js';
import { DEMO_CREDENTIALS } from '../simulator/index.js';
import { createConsumerFleet, type FleetFigures } from './consumer-fleet.js';
import { createFakeFaspay, FAILURES, planOutages, type FailureKind, type Outage } from './faspay-weather.js';
import { createRandom } from './random.js';
import { createAgenda, createVirtualClock } from './virtual-time.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/**
 * The deployed configuration (infra/token-refresher-settings.ts REFRESHER_DEFAULTS and the stack's
 * environment) and the weather it is run through. Every field can be changed for what-if runs.
 */
export const SIMULATION_DEFAULTS = {
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
  refreshBeforeExpirySeconds: CONFIG_DEFAULTS.refreshBeforeExpirySeconds,
  httpTimeoutMs: CONFIG_DEFAULTS.httpTimeoutMs,
  maxAttempts: CONFIG_DEFAULTS.maxAttempts,
  /** The stack's function timeout for 3 attempts of 8 s (infra functionTimeoutSeconds). */
  functionTimeoutSeconds: 60,
  consumers: 4,
  consumerReadSeconds: 60,
} as const;

export type SimulationOptions = { -readonly [K in keyof typeof SIMULATION_DEFAULTS]: number };

export interface SimulationReport {
  readonly options: SimulationOptions;
  readonly tokens: {
    /** Tokens Faspay delivered (successful token requests). */
    readonly issued: number;
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
  /**
   * Empty when the run meets the bar: at most 1.3 tokens per day per minimum, no expired token
   * handed out, and every consumer read served a valid token.
   */
  readonly problems: readonly string[];
}

type Event = { readonly kind: 'run'; readonly tick: number } | { readonly kind: 'read'; readonly consumer: number };

/**
 * Runs the real use case (createRefresher) on its deployed schedule for `days` on a virtual clock,
 * with the real Faspay HTTP adapter in front of a failing fake Faspay, an in-memory parameter, and
 * consumers reading through the real consumer provider. No real time passes: sleeps and timeouts
 * move the virtual clock. The same seed gives the same report.
 */
export async function runSimulation(overrides: Partial<SimulationOptions> = {}): Promise<SimulationReport> {
  const options: SimulationOptions = { ...SIMULATION_DEFAULTS, ...overrides };
  const startMs = Date.UTC(2026, 0, 1);
  const endMs = startMs + options.days * DAY;
  const random = createRandom(options.seed);
  const clock = createVirtualClock(startMs);
  const store = createMemoryTokenStore(clock.now);
  const dayOf = (ms: number) => Math.min(options.days - 1, Math.floor((ms - startMs) / DAY));
  const perDay = () => new Array<number>(options.days).fill(0);
  const issuedByDay = perDay();
  let lostInTransit = 0;
  let firstIssueMs: number | undefined;
  const failedByDay = perDay();
  const failuresByKind: Partial<Record<FailureKind, number>> = {};
  const faspayExpiry = new Map<string, number>();
  let requests = 0;

  const outages: Outage[] = planOutages(random, { ...options, startMs });
  const faspay = createFakeFaspay({
    clock,
    random,
    credentials: DEMO_CREDENTIALS,
    outages,
    failureRate: options.failureRate,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    onTokenIssued: (token, expiresAtMs) => faspayExpiry.set(token, expiresAtMs),
    onRequest: ({ atMs, failure, issuedToken }) => {
      requests++;
      if (failure === undefined) {
        issuedByDay[dayOf(atMs)]!++;
        firstIssueMs ??= atMs;
        return;
      }
      if (issuedToken !== undefined) lostInTransit++;
      failedByDay[dayOf(atMs)]!++;
      failuresByKind[failure] = (failuresByKind[failure] ?? 0) + 1;
    },
  });
  const refresher = createRefresher({
    credentials: staticCredentialsSource(DEMO_CREDENTIALS),
    store,
    faspay,
    clock: clock.now,
    sleep: clock.sleep,
    random: random.next,
    policy: {
      refreshBeforeExpirySeconds: options.refreshBeforeExpirySeconds,
      refreshLookaheadSeconds: options.scheduleMinutes * 60,
      httpTimeoutMs: options.httpTimeoutMs,
      maxAttempts: options.maxAttempts,
    },
  });
  const fleet = createConsumerFleet({ count: options.consumers, store, clock, random, faspayExpiry: (token) => faspayExpiry.get(token) });

  const agenda = createAgenda<Event>();
  const runAt = (tick: number) => startMs + tick * options.scheduleMinutes * MINUTE + random.integer(500, options.maxInvokeDelaySeconds * SECOND);
  agenda.add(runAt(0), { kind: 'run', tick: 0 });
  for (let consumer = 0; consumer < options.consumers; consumer++) {
    agenda.add(startMs + MINUTE + random.integer(0, options.consumerReadSeconds * SECOND), { kind: 'read', consumer });
  }

  const outcomes = { runs: 0, refreshed: 0, skipped: 0, failed: 0 };
  const replacedAtAges: number[] = [];
  for (let entry = agenda.next(); entry !== undefined && entry.atMs < endMs; entry = agenda.next()) {
    clock.advanceTo(entry.atMs);
    const { event } = entry;
    if (event.kind === 'read') {
      await fleet.read(event.consumer);
      agenda.add(entry.atMs + options.consumerReadSeconds * SECOND, event);
      continue;
    }
    const before = (await store.read())?.value;
    const deadlineMs = clock.nowMs() + options.functionTimeoutSeconds * SECOND;
    const result = await refresher.refresh({ force: false }, { remainingTimeMs: () => deadlineMs - clock.nowMs() });
    outcomes.runs++;
    if (!result.ok) outcomes.failed++;
    else if (!result.summary.refreshed) outcomes.skipped++;
    else {
      outcomes.refreshed++;
      if (before !== undefined) replacedAtAges.push((clock.nowMs() - Date.parse(JSON.parse(before).issuedAt)) / 3_600_000);
    }
    agenda.add(runAt(event.tick + 1), { kind: 'run', tick: event.tick + 1 });
  }

  const issued = issuedByDay.reduce((sum, n) => sum + n, 0);
  const failedRequests = failedByDay.reduce((sum, n) => sum + n, 0);
  const minimumPerDay = DAY / (options.tokenLifetimeSeconds * SECOND);
  const issuedPerDay = issued <= 1 ? 0 : (issued - 1) / ((endMs - firstIssueMs!) / DAY);
  const consumers = fleet.figures();
  const failedReads = Object.values(consumers.failedReads).reduce((sum, n) => sum + n, 0);
  const ages = replacedAtAges.length === 0 ? [0] : replacedAtAges;
  const problems = [
    ...(issuedPerDay / minimumPerDay > 1.3 ? [`${(issuedPerDay / minimumPerDay).toFixed(3)} tokens issued per day per minimum (limit 1.3)`] : []),
    ...(consumers.expiredHandedOut > 0 ? [`${consumers.expiredHandedOut} expired tokens handed out to consumers`] : []),
    ...(failedReads > 0 ? [`${failedReads} consumer reads found no valid token`] : []),
  ];
  return {
    options,
    tokens: {
      issued,
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
    problems,
  };
}

export { FAILURES };
