import type { TokenStore } from '../functions/adapters/parameter-store.js';
import { createFaspayTokenProvider, isCodedError, type FaspayTokenProvider } from '../functions/consumer/index.js';
import type { Random } from './random.js';
import type { VirtualClock } from './virtual-time.js';

const HOUR = 3_600_000;

export interface FleetFigures {
  readonly consumers: number;
  readonly reads: number;
  /** Reads of the stored document (what SSM would be charged for). */
  readonly storeReads: number;
  readonly failedReads: Readonly<Record<string, number>>;
  /** Tokens handed out at or after their expiry, by the document's expiry or by Faspay's own. */
  readonly expiredHandedOut: number;
  /** Least lifetime left on any token handed out, in minutes. */
  readonly minRemainingMinutes: number;
  /** Longest stretch during which one consumer kept being handed tokens with less than an hour left. */
  readonly longestUnderAnHourMinutes: number;
}

/**
 * Consumers reading the token through the real consumer provider, each with its own cache (one
 * container each), every read checked: never expired (by the document or by Faspay's own record),
 * and how long each one held a token with less than an hour to live.
 */
export function createConsumerFleet(options: {
  readonly count: number;
  readonly store: TokenStore;
  readonly clock: VirtualClock;
  readonly random: Random;
  /** Faspay's own expiry of a token, when it issued it. */
  readonly faspayExpiry: (token: string) => number | undefined;
}) {
  let storeReads = 0;
  const countingSource = {
    read: () => {
      storeReads++;
      return options.store.read();
    },
  };
  const providers: FaspayTokenProvider[] = Array.from({ length: options.count }, () =>
    createFaspayTokenProvider({ parameterName: '/faspay/sendme/access-token', tokenSource: countingSource, clock: options.clock.now, random: options.random.next }),
  );
  const lowSince: (number | undefined)[] = providers.map(() => undefined);
  const failedReads: Record<string, number> = {};
  let reads = 0;
  let expiredHandedOut = 0;
  let minRemainingMs = Number.POSITIVE_INFINITY;
  let longestLowMs = 0;

  return {
    /** One request served by consumer `index` at the current virtual time. */
    async read(index: number): Promise<void> {
      reads++;
      const nowMs = options.clock.nowMs();
      try {
        const token = await providers[index]!.getToken();
        const remainingMs = Math.min(token.expiresAt.getTime(), options.faspayExpiry(token.accessToken) ?? Number.NEGATIVE_INFINITY) - nowMs;
        if (remainingMs <= 0) expiredHandedOut++;
        minRemainingMs = Math.min(minRemainingMs, remainingMs);
        if (remainingMs < HOUR) {
          lowSince[index] ??= nowMs;
          longestLowMs = Math.max(longestLowMs, nowMs - lowSince[index]!);
        } else {
          lowSince[index] = undefined;
        }
      } catch (error) {
        const code = isCodedError(error) ? error.code : 'UNEXPECTED';
        failedReads[code] = (failedReads[code] ?? 0) + 1;
      }
    },
    figures(): FleetFigures {
      return {
        consumers: options.count,
        reads,
        storeReads,
        failedReads: { ...failedReads },
        expiredHandedOut,
        minRemainingMinutes: Number.isFinite(minRemainingMs) ? minRemainingMs / 60_000 : 0,
        longestUnderAnHourMinutes: longestLowMs / 60_000,
      };
    },
  };
}
