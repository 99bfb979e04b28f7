import { createMemoryTokenStore } from '../functions/adapters/parameter-store.js';
import { staticCredentialsSource } from '../functions/adapters/secrets.js';
import { DEFAULT_TOKEN_PARAMETER_NAME, refresherConfigOf } from '../functions/contracts/settings.js';
import { FASPAY_SANDBOX_BASE_URL } from '../functions/faspay/index.js';
import { composeRefresher } from '../functions/lambda/composition.js';
import { createMemoryRefreshLease } from '../functions/refresher/lease.js';
import type { RefreshOrder, RefreshResult } from '../functions/refresher/refresh.js';
import { REFUTED_REPORTS_PERIOD, REFUTED_REPORTS_THRESHOLD } from '../infra/refresher-alarms.js';
import { createTokenLedger, DEMO_CREDENTIALS } from '../simulator/index.js';
import { createConsumerFleet } from './consumer-fleet.js';
import { createFakeFaspay, inOutage, type Outage, planOutages } from './faspay-weather.js';
import { createSoakTally, type SoakReport, type Trigger } from './figures.js';
import { createHealingTracker } from './healing.js';
import { DAY, SECOND, SOAK_DEFAULTS, type SoakOptions } from './options.js';
import { createRandom } from './random.js';
import { createSchedule, type SoakEvent } from './schedule.js';
import { createFakeSendme, routeFaspay } from './sendme.js';
import { createVirtualClock } from './virtual-time.js';

/** Soak events handled between two turns of the real event loop (see the loop in runSoak). */
const EVENTS_PER_LOOP_TURN = 1000;

/** The refuted-report alarm as the construct deploys it. */
const REFUTED_ALARM = { threshold: REFUTED_REPORTS_THRESHOLD, periodMs: REFUTED_REPORTS_PERIOD.toMilliseconds() };

/**
 * Runs the real use case (createRefresher) on its deployed schedule for `days` on a virtual clock,
 * with the real Faspay HTTP adapter in front of a failing fake Faspay, an in-memory parameter, and
 * consumers reading through the real consumer provider and calling SendMe through the real signed
 * fetch. Outside reissues revoke the stored token (in revoke-on-issue mode); the consumers' reports
 * reach the same use case as `{ tokenRejected }` orders after an EventBridge-like delay, and a
 * failed one is retried only as the deployed function's asynchronous retries allow (none). Forced
 * refreshes followed by a reissue, runs that crash holding the lease, busy and misconfigured
 * consumers are options. No real time passes: sleeps and timeouts move the virtual clock. The same
 * seed gives the same report.
 */
export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const options: SoakOptions = { ...SOAK_DEFAULTS, ...overrides };
  const startMs = Date.UTC(2026, 0, 1);
  const endMs = startMs + options.days * DAY;
  const random = createRandom(options.seed);
  // Reissues and report deliveries draw from their own stream: without them, the weather is the same draw for draw.
  const outside = createRandom((options.seed ^ 0x5eed_1e55) >>> 0);
  const mishaps = createRandom((options.seed ^ 0x0c4a_5bed) >>> 0);
  const clock = createVirtualClock(startMs);
  const store = createMemoryTokenStore(clock.now);
  const lease = createMemoryRefreshLease();
  let running: Trigger | undefined;
  const ledger = createTokenLedger({ now: clock.nowMs, revokeOnIssue: options.revokeOnIssue });
  const healing = createHealingTracker(
    (fromMs, toMs) =>
      outages.reduce((sum, outage) => sum + Math.max(0, Math.min(toMs, outage.endMs) - Math.max(fromMs, outage.startMs)), 0),
    options.rejectionCooldownSeconds,
    REFUTED_ALARM,
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
    lease,
    credentials: staticCredentialsSource(DEMO_CREDENTIALS),
    fetch: routeFaspay({
      signedPath: config.signedPath,
      tokenEndpoint: faspay.fetch,
      sendme: createFakeSendme({ clock, credentials: DEMO_CREDENTIALS, ledger, timeZone: config.timeZone }),
      down: () => inOutage(outages, clock.nowMs()),
      onServiceCall: () => tally.sendmeCall(),
    }),
    clock: clock.now,
    sleep: clock.sleep,
    random: random.next,
    observer: { requesting: (_requestedAt, timeoutMs) => faspay.attemptStarted(timeoutMs) },
  });
  const regular = options.consumers;
  const callSecondsOf = (consumer: number) =>
    consumer >= regular && consumer < regular + options.busyConsumers ? options.busyReadSeconds : options.consumerReadSeconds;
  const fleet = createConsumerFleet({
    count: options.consumers + options.busyConsumers + options.misconfiguredConsumers,
    misconfigured: options.misconfiguredConsumers,
    reportCooldownSeconds: options.rejectionCooldownSeconds,
    parameterName: config.tokenParameterName,
    timeZone: config.timeZone,
    store,
    clock,
    random,
    ledger,
    onReport: (consumer, parameterVersion) => {
      if (!fleet.isMisconfigured(consumer)) healing.reported(clock.nowMs());
      schedule.reportSent(consumer, parameterVersion);
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
  const reissue = () => {
    faspay.issueOutside();
    healing.revoked();
    healing.outsideReissue();
  };

  const report = async (event: Extract<SoakEvent, { kind: 'report' }>) => {
    const result = await invoke(
      { force: false, trigger: 'rejection', tokenRejected: { parameterVersion: event.parameterVersion } },
      'report',
    );
    healing.invocation(
      result.ok ? { ok: true, refreshed: result.summary.refreshed, reason: result.summary.reason } : { ok: false },
      clock.nowMs(),
      fleet.isMisconfigured(event.consumer) ? 'misconfigured' : 'fleet',
    );
    // The handler rejects on a failed refresh: Lambda retries the invocation as the deployed setting allows.
    if (!result.ok) schedule.reportFailed(event);
  };
  const crash = async () => {
    // The run took the lease until its deadline and Faspay issued it a token (revoking the stored
    // one); then the function died: nothing stored, the lease never released.
    const nowMs = clock.nowMs();
    const holder = { holder: `crashed-${nowMs}`, expiresAt: new Date(nowMs + options.functionTimeoutSeconds * SECOND) };
    if (!(await lease.acquire(holder, clock.now())).acquired) return;
    tally.crashedRun();
    faspay.issueOutside();
    healing.revoked();
  };

  const schedule = createSchedule(options, clock, startMs, { random, outside, mishaps }, callSecondsOf, fleet.size);
  let handled = 0;
  for (let entry = schedule.next(); entry !== undefined; entry = schedule.next()) {
    // Every fake answer resolves at once, so without this the event loop never turns: the real
    // timers of each call's AbortSignal.timeout never fire and are never freed (about 1.5 KB a call,
    // out of memory within a busy fleet's year). Turning it lets them go; nothing virtual changes.
    if (++handled % EVENTS_PER_LOOP_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const { event } = entry;
    if (event.kind === 'read') {
      const outcome = await fleet.read(event.consumer);
      if (!fleet.isMisconfigured(event.consumer)) healing.call(outcome, clock.nowMs());
    } else if (event.kind === 'outside') {
      if (event.action === 'reissue') reissue();
      else if (event.action === 'crash') await crash();
      else tally.forcedRun(await invoke({ force: true, trigger: 'manual' }, 'force'), clock.nowMs());
    } else if (event.kind === 'reissue-after-force') {
      reissue();
    } else if (event.kind === 'report') {
      await report(event);
    } else {
      const before = (await store.read())?.value;
      tally.scheduledRun(await invoke({ force: false, trigger: 'schedule' }, 'schedule'), before, clock.nowMs());
    }
    schedule.followUp(entry);
  }
  return tally.report(endMs, outages, fleet.figures());
}
