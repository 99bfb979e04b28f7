import { DAY, MINUTE, SECOND, type SoakOptions } from './options.js';
import type { Random } from './random.js';
import { createAgenda, type VirtualClock } from './virtual-time.js';

/** Something done to the refresher from outside: a reissue, a force followed by a reissue, a run that crashed. */
export type OutsideAction = 'reissue' | 'forced-reissue' | 'crash';

export type SoakEvent =
  | { readonly kind: 'run'; readonly tick: number }
  | { readonly kind: 'read'; readonly consumer: number }
  | { readonly kind: 'outside'; readonly action: OutsideAction; readonly next: number }
  /** The reissue that follows a force, 2 s later. */
  | { readonly kind: 'reissue-after-force' }
  | { readonly kind: 'report'; readonly parameterVersion: number; readonly consumer: number; readonly delivery: number };

export interface ScheduledEvent {
  readonly atMs: number;
  readonly event: SoakEvent;
}

/** Delivery of a report (PutEvents, the rule, Lambda's async queue). */
const REPORT_DELIVERY_MS: readonly [number, number] = [300, 1500];
/** When Lambda retries a failed asynchronous invocation (about 1 min, then 2 min), as far as the deployed setting allows. */
const LAMBDA_ASYNC_RETRY_DELAYS_MS = [60_000, 120_000] as const;
/** The runbook's "force, then check the credentials": the check comes this long after the force. */
export const REISSUE_AFTER_FORCE_MS = 2_000;

/** When things happen in the soak run: the schedule's runs, the consumers' reads, outside actions and report deliveries. */
export interface SoakSchedule {
  /** The next event before the end of the run, with the clock moved to it; undefined when the run is over. */
  next(): ScheduledEvent | undefined;
  /** Plans what follows a handled event: the next run, read or outside action. */
  followUp(entry: ScheduledEvent): void;
  /** A consumer reported a refused token: the report reaches the refresher after EventBridge's delay. */
  reportSent(consumer: number, parameterVersion: number): void;
  /** A report invocation failed: Lambda retries it as often as the deployed setting says (functionAsyncRetryAttempts). */
  reportFailed(report: Extract<SoakEvent, { kind: 'report' }>): void;
}

/**
 * Plans the first run, the consumers' first reads and the outside actions. Runs and reads draw
 * their jitter from `random`; plain reissues and report deliveries from `outside`, forces and
 * crashes from a stream of their own, so that without them the weather is the same draw for draw.
 * `callSecondsOf(consumer)` is how often each consumer calls SendMe.
 */
export function createSchedule(
  options: SoakOptions,
  clock: VirtualClock,
  startMs: number,
  streams: { readonly random: Random; readonly outside: Random; readonly mishaps: Random },
  callSecondsOf: (consumer: number) => number,
  consumerCount: number,
): SoakSchedule {
  const { random, outside } = streams;
  const endMs = startMs + options.days * DAY;
  const agenda = createAgenda<SoakEvent>();
  const deliverReport = (consumer: number, parameterVersion: number, delivery: number, afterMs: number) =>
    agenda.add(clock.nowMs() + afterMs, { kind: 'report', parameterVersion, consumer, delivery });
  const runAt = (tick: number) =>
    startMs + tick * options.scheduleMinutes * MINUTE + random.integer(500, options.maxInvokeDelaySeconds * SECOND);
  agenda.add(runAt(0), { kind: 'run', tick: 0 });
  for (let consumer = 0; consumer < consumerCount; consumer++) {
    agenda.add(startMs + MINUTE + random.integer(0, callSecondsOf(consumer) * SECOND), { kind: 'read', consumer });
  }
  const plan = (stream: Random, perDay: number, action: OutsideAction) =>
    planTimes(stream, startMs, options.days, perDay).map((atMs) => ({ atMs, action }));
  // One pending at a time: the agenda is a sorted array, and a year of them in it would slow every insertion.
  const actions = [
    ...plan(outside, options.reissuesPerDay, 'reissue'),
    ...plan(streams.mishaps, options.forcedReissuesPerDay, 'forced-reissue'),
    ...plan(streams.mishaps, options.crashedRunsPerDay, 'crash'),
  ].sort((a, b) => a.atMs - b.atMs);
  const addAction = (index: number) => {
    const action = actions[index];
    if (action !== undefined) agenda.add(action.atMs, { kind: 'outside', action: action.action, next: index + 1 });
  };
  addAction(0);

  return {
    next() {
      const entry = agenda.next();
      if (entry === undefined || entry.atMs >= endMs) return undefined;
      clock.advanceTo(entry.atMs);
      return entry;
    },
    followUp({ atMs, event }) {
      if (event.kind === 'read') agenda.add(atMs + callSecondsOf(event.consumer) * SECOND, event);
      else if (event.kind === 'outside') {
        if (event.action === 'forced-reissue') agenda.add(clock.nowMs() + REISSUE_AFTER_FORCE_MS, { kind: 'reissue-after-force' });
        addAction(event.next);
      } else if (event.kind === 'run') agenda.add(runAt(event.tick + 1), { kind: 'run', tick: event.tick + 1 });
    },
    reportSent(consumer, parameterVersion) {
      deliverReport(consumer, parameterVersion, 0, outside.integer(...REPORT_DELIVERY_MS));
    },
    reportFailed({ consumer, parameterVersion, delivery }) {
      if (delivery >= options.functionAsyncRetryAttempts) return;
      const retryDelayMs = LAMBDA_ASYNC_RETRY_DELAYS_MS[Math.min(delivery, LAMBDA_ASYNC_RETRY_DELAYS_MS.length - 1)]!;
      deliverReport(consumer, parameterVersion, delivery + 1, retryDelayMs);
    },
  };
}

/** Random instants, `perDay` expected a day (a fractional part is a probability). */
function planTimes(random: Random, startMs: number, days: number, perDay: number): number[] {
  const times: number[] = [];
  for (let day = 0; day < days; day++) {
    const whole = Math.floor(perDay);
    const count = whole + (random.chance(perDay - whole) ? 1 : 0);
    for (let i = 0; i < count; i++) times.push(startMs + day * DAY + random.integer(0, DAY - 1));
  }
  return times;
}
