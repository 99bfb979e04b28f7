import { DAY, MINUTE, SECOND, type SoakOptions } from './options.js';
import type { Random } from './random.js';
import { createAgenda, type VirtualClock } from './virtual-time.js';

export type SoakEvent =
  | { readonly kind: 'run'; readonly tick: number }
  | { readonly kind: 'read'; readonly consumer: number }
  | { readonly kind: 'reissue'; readonly next: number }
  | { readonly kind: 'report'; readonly parameterVersion: number; readonly delivery: number };

export interface ScheduledEvent {
  readonly atMs: number;
  readonly event: SoakEvent;
}

/** Delivery of a report (PutEvents, the rule, Lambda's async queue) and Lambda's retries of a failed invocation. */
const REPORT_DELIVERY_MS: readonly [number, number] = [300, 1500];
const LAMBDA_ASYNC_RETRY_DELAYS_MS = [60_000, 120_000] as const;

/** When things happen in the soak run: the schedule's runs, the consumers' reads, outside reissues and report deliveries. */
export interface SoakSchedule {
  /** The next event before the end of the run, with the clock moved to it; undefined when the run is over. */
  next(): ScheduledEvent | undefined;
  /** Plans what follows a handled event: the next run, read or reissue. */
  followUp(entry: ScheduledEvent): void;
  /** A consumer reported a refused token: the report reaches the refresher after EventBridge's delay. */
  reportSent(parameterVersion: number): void;
  /** A report invocation failed: Lambda retries the asynchronous invocation (twice). */
  reportFailed(report: Extract<SoakEvent, { kind: 'report' }>): void;
}

/**
 * Plans the first run, the consumers' first reads and the outside reissues. Runs and reads draw
 * their jitter from `random`; reissues and report deliveries from `outside`, so that without them
 * the weather is the same draw for draw.
 */
export function createSchedule(options: SoakOptions, clock: VirtualClock, startMs: number, random: Random, outside: Random): SoakSchedule {
  const endMs = startMs + options.days * DAY;
  const agenda = createAgenda<SoakEvent>();
  const deliverReport = (parameterVersion: number, delivery: number, afterMs: number) =>
    agenda.add(clock.nowMs() + afterMs, { kind: 'report', parameterVersion, delivery });
  const runAt = (tick: number) =>
    startMs + tick * options.scheduleMinutes * MINUTE + random.integer(500, options.maxInvokeDelaySeconds * SECOND);
  agenda.add(runAt(0), { kind: 'run', tick: 0 });
  for (let consumer = 0; consumer < options.consumers; consumer++) {
    agenda.add(startMs + MINUTE + random.integer(0, options.consumerReadSeconds * SECOND), { kind: 'read', consumer });
  }
  // One pending at a time: the agenda is a sorted array, and a year of reissues in it would slow every insertion.
  const reissues = planReissues(outside, startMs, options.days, options.reissuesPerDay).sort((a, b) => a - b);
  if (reissues.length > 0) agenda.add(reissues[0]!, { kind: 'reissue', next: 1 });

  return {
    next() {
      const entry = agenda.next();
      if (entry === undefined || entry.atMs >= endMs) return undefined;
      clock.advanceTo(entry.atMs);
      return entry;
    },
    followUp({ atMs, event }) {
      if (event.kind === 'read') agenda.add(atMs + options.consumerReadSeconds * SECOND, event);
      else if (event.kind === 'reissue' && event.next < reissues.length) {
        agenda.add(reissues[event.next]!, { kind: 'reissue', next: event.next + 1 });
      } else if (event.kind === 'run') agenda.add(runAt(event.tick + 1), { kind: 'run', tick: event.tick + 1 });
    },
    reportSent(parameterVersion) {
      deliverReport(parameterVersion, 0, outside.integer(...REPORT_DELIVERY_MS));
    },
    reportFailed({ parameterVersion, delivery }) {
      const retryDelayMs = LAMBDA_ASYNC_RETRY_DELAYS_MS[delivery];
      if (retryDelayMs !== undefined) deliverReport(parameterVersion, delivery + 1, retryDelayMs);
    },
  };
}

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
