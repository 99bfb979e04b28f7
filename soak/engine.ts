import { createMemoryTokenStore } from '../functions/adapters/parameter-store.js';
import { staticCredentialsSource } from '../functions/adapters/secrets.js';
import { DEFAULT_TOKEN_PARAMETER_NAME, refresherConfigOf } from '../functions/contracts/settings.js';
import { FASPAY_SANDBOX_BASE_URL } from '../functions/faspay/index.js';
import { composeRefresher } from '../functions/lambda/composition.js';
import { createMemoryRefreshLease } from '../functions/refresher/lease.js';
import type { RefreshOrder, RefreshResult } from '../functions/refresher/refresh.js';
import { createTokenLedger, DEMO_CREDENTIALS } from '../simulator/index.js';
import { createConsumerFleet } from './consumer-fleet.js';
import { createFakeFaspay, type Outage, planOutages } from './faspay-weather.js';
import { createSoakTally, type SoakReport, type Trigger } from './figures.js';
import { createHealingTracker } from './healing.js';
import { DAY, SECOND, SOAK_DEFAULTS, type SoakOptions } from './options.js';
import { createRandom } from './random.js';
import { createSchedule } from './schedule.js';
import { createVirtualClock } from './virtual-time.js';

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
  let running: Trigger | undefined;
  const ledger = createTokenLedger({ now: clock.nowMs, revokeOnIssue: options.revokeOnIssue });
  const healing = createHealingTracker((fromMs, toMs) =>
    outages.reduce((sum, outage) => sum + Math.max(0, Math.min(toMs, outage.endMs) - Math.max(fromMs, outage.startMs)), 0),
  );
  const tally = createSoakTally(options, startMs, healing);

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
    onRequest: (record) => tally.request(record, running),
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
      schedule.reportSent(parameterVersion);
    },
  });
  const invoke = async (order: RefreshOrder, trigger: Trigger): Promise<RefreshResult> => {
    const deadlineMs = clock.nowMs() + options.functionTimeoutSeconds * SECOND;
    running = trigger;
    try {
      return await refresher.refresh(order, { remainingTimeMs: () => deadlineMs - clock.nowMs() });
    } finally {
      running = undefined;
    }
  };

  const schedule = createSchedule(options, clock, startMs, random, outside);
  for (let entry = schedule.next(); entry !== undefined; entry = schedule.next()) {
    const { event } = entry;
    if (event.kind === 'read') {
      healing.call(await fleet.read(event.consumer), clock.nowMs());
    } else if (event.kind === 'reissue') {
      faspay.issueOutside();
      healing.revoked();
      healing.outsideReissue();
    } else if (event.kind === 'report') {
      const result = await invoke(
        { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: event.parameterVersion } },
        'report',
      );
      healing.invocation(
        result.ok ? { ok: true, refreshed: result.summary.refreshed, reason: result.summary.reason } : { ok: false },
        clock.nowMs(),
      );
      // The handler rejects on a failed refresh, so Lambda retries the asynchronous invocation.
      if (!result.ok) schedule.reportFailed(event);
    } else {
      const before = (await store.read())?.value;
      tally.scheduledRun(await invoke({ force: false, trigger: 'schedule' }, 'schedule'), before, clock.nowMs());
    }
    schedule.followUp(entry);
  }
  return tally.report(endMs, outages, fleet.figures());
}
