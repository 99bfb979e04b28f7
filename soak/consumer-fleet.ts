import {
  createFaspayTokenProvider,
  createSignedFaspayFetch,
  type FaspayTokenProvider,
  isCodedError,
  type SignedFaspayFetch,
} from '../functions/consumer/index.js';
import type { TokenStore } from '../functions/token/index.js';
import { DEMO_CREDENTIALS, type TokenLedger } from '../simulator/index.js';
import type { Random } from './random.js';
import { createFakeSendme } from './sendme.js';
import type { VirtualClock } from './virtual-time.js';

const HOUR = 3_600_000;
const BALANCE = '/account/api/balance_inquiry';

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
  /** Signed SendMe calls: accepted at once; accepted after the one re-read-and-retry; refused (a failed consumer call). */
  readonly calls: { readonly accepted: number; readonly acceptedOnRetry: number; readonly refused: number };
  /** Rejection reports sent by the well-configured consumers (the consumer's reporting rule decides when). */
  readonly reports: number;
  /** The misconfigured consumers (left out of every figure above): SendMe refuses all their calls. */
  readonly misconfigured: { readonly consumers: number; readonly calls: number; readonly refused: number; readonly reports: number };
}

export type CallOutcome = 'accepted' | 'accepted-on-retry' | 'refused' | 'no-token';

/**
 * A misconfigured consumer signs its timestamps in this zone instead of Faspay's: seven hours off
 * Asia/Jakarta, so SendMe refuses every call although the token is fine.
 */
export const MISCONFIGURED_TIME_ZONE = 'UTC';

/**
 * Consumers reading the token through the real consumer provider and calling SendMe through the
 * real signed fetch, each with its own cache (one container each). Every read is checked: never
 * expired (by the document or by Faspay's own record), and how long each one held a token with
 * less than an hour to live. A refused token is reported through `onReport`, as the deployed
 * consumer's EventBridge report would be: when to report is the signed fetch's own rule.
 * The last `misconfigured` consumers sign in the wrong time zone; their figures are kept apart.
 */
export function createConsumerFleet(options: {
  readonly count: number;
  readonly misconfigured: number;
  /** How often a container reports a version that stays refused: the refresher's REJECTION_COOLDOWN_SECONDS. */
  readonly reportCooldownSeconds: number;
  readonly store: TokenStore;
  /** The refresher's TOKEN_PARAMETER_NAME and FASPAY_TIMEZONE, as a consumer is configured with them. */
  readonly parameterName: string;
  readonly timeZone: string;
  readonly clock: VirtualClock;
  readonly random: Random;
  readonly ledger: TokenLedger;
  readonly onReport: (consumer: number, parameterVersion: number) => void;
}) {
  let storeReads = 0;
  const countingSource = {
    read: () => {
      storeReads++;
      return options.store.read();
    },
  };
  const sendmeOf = (refuseBadSignatures: boolean) =>
    createFakeSendme({
      clock: options.clock,
      credentials: DEMO_CREDENTIALS,
      ledger: options.ledger,
      timeZone: options.timeZone,
      refuseBadSignatures,
    });
  const [sendme, lenientSendme] = [sendmeOf(false), sendmeOf(true)];
  let attempts = 0;
  const counted =
    (target: typeof fetch): typeof fetch =>
    (input, init) => {
      attempts++;
      return target(input, init);
    };
  let reports = 0;
  const misconfigured = { consumers: options.misconfigured, calls: 0, refused: 0, reports: 0 };
  const firstMisconfigured = options.count - options.misconfigured;
  const isMisconfigured = (index: number) => index >= firstMisconfigured;
  const consumers: { provider: FaspayTokenProvider; sendme: SignedFaspayFetch }[] = Array.from({ length: options.count }, (_, index) => {
    const provider = createFaspayTokenProvider({
      parameterName: options.parameterName,
      timeZone: isMisconfigured(index) ? MISCONFIGURED_TIME_ZONE : options.timeZone,
      tokenSource: countingSource,
      credentials: DEMO_CREDENTIALS,
      clock: options.clock.now,
      random: options.random.next,
    });
    const onTokenRejected = ({ parameterVersion }: { parameterVersion: number }) => {
      if (isMisconfigured(index)) misconfigured.reports++;
      else reports++;
      options.onReport(index, parameterVersion);
    };
    const fetch = counted(isMisconfigured(index) ? lenientSendme : sendme);
    return {
      provider,
      sendme: createSignedFaspayFetch(provider, {
        baseUrl: 'https://sendme.example.com',
        fetch,
        onTokenRejected,
        reportCooldownSeconds: options.reportCooldownSeconds,
      }),
    };
  });
  const lowSince: (number | undefined)[] = consumers.map(() => undefined);
  const failedReads: Record<string, number> = {};
  const calls = { accepted: 0, acceptedOnRetry: 0, refused: 0 };
  let reads = 0;
  let expiredHandedOut = 0;
  let minRemainingMs = Number.POSITIVE_INFINITY;
  let longestLowMs = 0;

  return {
    size: options.count,
    isMisconfigured,
    /** One request served by consumer `index` at the current virtual time: a token read, then a signed call with it. */
    async read(index: number): Promise<CallOutcome> {
      if (isMisconfigured(index)) {
        misconfigured.calls++;
        const response = await consumers[index]!.sendme('GET', BALANCE).catch(() => undefined);
        if (response?.ok !== true) misconfigured.refused++;
        return response === undefined ? 'no-token' : response.ok ? 'accepted' : 'refused';
      }
      reads++;
      const nowMs = options.clock.nowMs();
      const consumer = consumers[index]!;
      try {
        const token = await consumer.provider.getToken();
        const remainingMs =
          Math.min(token.expiresAt.getTime(), options.ledger.expiryOf(token.accessToken) ?? Number.NEGATIVE_INFINITY) - nowMs;
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
        return 'no-token';
      }
      const before = attempts;
      const response = await consumer.sendme('GET', BALANCE);
      if (!response.ok) {
        calls.refused++;
        return 'refused';
      }
      if (attempts - before > 1) {
        calls.acceptedOnRetry++;
        return 'accepted-on-retry';
      }
      calls.accepted++;
      return 'accepted';
    },
    figures(): FleetFigures {
      return {
        consumers: options.count - options.misconfigured,
        reads,
        storeReads,
        failedReads: { ...failedReads },
        expiredHandedOut,
        minRemainingMinutes: Number.isFinite(minRemainingMs) ? minRemainingMs / 60_000 : 0,
        longestUnderAnHourMinutes: longestLowMs / 60_000,
        calls: { ...calls },
        reports,
        misconfigured: { ...misconfigured },
      };
    },
  };
}
