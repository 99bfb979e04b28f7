import { isCodedError } from '../../functions/shared/coded-error.js';
import type { TokenDocument } from '../../functions/token/index.js';
import { exitCodeFor } from '../exit-codes.js';
import { formatSpan, line, tokenFacts } from '../format.js';
import type { CliIo } from '../io.js';
import { checkConsumer, type LocalConsumer } from './consumer-check.js';
import type { LocalRefresher } from './cycle.js';
import type { Reporter } from './reporter.js';

export interface WatchStats {
  checks: number;
  refreshes: number;
  failures: number;
}

/**
 * The schedule, locally: a check every `checkEverySeconds` (what EventBridge Scheduler does every
 * 15 minutes on AWS), each one the same use case, with a countdown in between. After each refresh
 * the consumer reads the new token and makes a signed call. Failures are shown and the next check
 * tries again, as the deployed schedule would. Resolves when `stop` aborts.
 */
export interface WatchParts {
  readonly refresher: LocalRefresher;
  readonly consumer: LocalConsumer;
  /** Talking to the real Faspay (not the simulator started here). */
  readonly realFaspay: boolean;
}

export async function watchSchedule(
  parts: WatchParts,
  io: CliIo,
  reporter: Reporter,
  options: { checkEverySeconds: number; stop: AbortSignal; current?: TokenDocument },
): Promise<WatchStats> {
  const stats: WatchStats = { checks: 0, refreshes: 0, failures: 0 };
  let current = options.current;
  reporter.step(
    'watching',
    { checkEverySeconds: options.checkEverySeconds },
    line('watching', `a check every ${formatSpan(options.checkEverySeconds)}; Ctrl-C stops`),
  );
  while (!options.stop.aborted) {
    const nextCheckMs = io.clock().getTime() + options.checkEverySeconds * 1000;
    while (!options.stop.aborted && io.clock().getTime() < nextCheckMs) {
      reporter.live(countdown(io.clock(), nextCheckMs, current));
      await io.sleep(Math.min(1000, nextCheckMs - io.clock().getTime()), options.stop);
    }
    if (options.stop.aborted) break;
    stats.checks++;
    try {
      const outcome = await parts.refresher.runCycle(false);
      if (outcome.stored !== undefined) {
        stats.refreshes++;
        current = outcome.stored;
        await checkConsumer(parts.consumer, io, reporter, {
          storedFingerprint: tokenFacts(current.accessToken).fingerprint,
          realFaspay: parts.realFaspay,
        });
      }
    } catch (error) {
      stats.failures++;
      reportCheckFailure(reporter, error);
    }
  }
  return stats;
}

/** A failed check while watching: shown, and the next check tries again (as the schedule would). */
export function reportCheckFailure(reporter: Reporter, error: unknown): void {
  const code = isCodedError(error) ? error.code : 'INTERNAL_ERROR';
  const message = isCodedError(error) ? error.message : 'unexpected error';
  reporter.step(
    'check-failed',
    { code, message, exitCode: exitCodeFor(error) },
    line('check failed', `${code}: ${message} (the next check tries again)`),
  );
}

function countdown(now: Date, nextCheckMs: number, current: TokenDocument | undefined): string {
  const parts = [`next check in ${formatSpan(Math.ceil((nextCheckMs - now.getTime()) / 1000))}`];
  if (current !== undefined) {
    const toRefresh = (current.refreshAt.getTime() - now.getTime()) / 1000;
    parts.push(toRefresh > 0 ? `refresh due in ${formatSpan(toRefresh)}` : 'refresh due now');
    parts.push(`token expires in ${formatSpan((current.expiresAt.getTime() - now.getTime()) / 1000)}`);
  }
  return `  ${parts.join(' · ')} · Ctrl-C stops`;
}
