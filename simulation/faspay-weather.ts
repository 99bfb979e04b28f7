import { createFaspayTokenClient, type FaspayTokenClient } from '../functions/adapters/faspay-http.js';
import { FASPAY_SANDBOX_BASE_URL, TOKEN_PATH, type FaspayCredentials } from '../functions/faspay/index.js';
import { createVerifier } from '../simulator/index.js';
import type { Random } from './random.js';
import type { VirtualClock } from './virtual-time.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface Outage {
  readonly startMs: number;
  readonly endMs: number;
}

export interface OutagePlan {
  readonly days: number;
  readonly startMs: number;
  /** Expected outages per day (a fractional part is a probability). */
  readonly outagesPerDay: number;
  readonly minOutageMinutes: number;
  readonly maxOutageMinutes: number;
}

/** Faspay outages at random times of random days, each lasting from min to max minutes. */
export function planOutages(random: Random, plan: OutagePlan): Outage[] {
  const outages: Outage[] = [];
  for (let day = 0; day < plan.days; day++) {
    const whole = Math.floor(plan.outagesPerDay);
    const count = whole + (random.chance(plan.outagesPerDay - whole) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const startMs = plan.startMs + day * DAY + random.integer(0, DAY - 1);
      const minutes = random.integer(plan.minOutageMinutes, plan.maxOutageMinutes);
      outages.push({ startMs, endMs: startMs + minutes * MINUTE });
    }
  }
  return outages.sort((a, b) => a.startMs - b.startMs);
}

/**
 * How one request fails. `issues` marks answers for which Faspay did create a token (it was lost on
 * the way): they count as issued tokens, because a rate limit or a revocation would count them too.
 */
export const FAILURES = {
  'http-500': { weight: 3, issues: false },
  'html-500': { weight: 2, issues: false },
  'http-429': { weight: 2, issues: false },
  'internal-error': { weight: 1, issues: false },
  timeout: { weight: 2, issues: true },
  'reset-mid-body': { weight: 1, issues: true },
  refused: { weight: 1, issues: false },
  'malformed-json': { weight: 1, issues: false },
} as const satisfies Record<string, { weight: number; issues: boolean }>;

export type FailureKind = keyof typeof FAILURES;

/** During an outage nothing answers well: connections are refused, time out, or get an error page. */
const OUTAGE_FAILURES: readonly FailureKind[] = ['refused', 'html-500', 'http-500'];

export interface FaspayRequestRecord {
  readonly atMs: number;
  readonly failure?: FailureKind;
  /** The token Faspay created for this request, if it created one. */
  readonly issuedToken?: string;
}

export interface FakeFaspayOptions {
  readonly clock: VirtualClock;
  readonly random: Random;
  readonly credentials: FaspayCredentials;
  readonly outages: readonly Outage[];
  /** Probability that a request outside an outage fails. */
  readonly failureRate: number;
  readonly tokenLifetimeSeconds: number;
  /** Told about every request, after its answer. */
  readonly onRequest: (record: FaspayRequestRecord) => void;
  /** Faspay's own expiry of each token it issued (the truth the consumers are checked against). */
  readonly onTokenIssued: (token: string, expiresAtMs: number) => void;
}

/**
 * Faspay on a bad month, behind the refresher's real HTTP adapter (signing, bounded body, parsing
 * and error mapping all run): a `fetch` that verifies every request's signature with the
 * simulator's verifier (against the virtual clock), lets latency and timeouts pass on the virtual
 * clock, and fails at random and during outages. A timeout is thrown the way an aborted fetch is,
 * after the timeout's time has passed.
 */
export function createFakeFaspay(options: FakeFaspayOptions): FaspayTokenClient {
  const { clock, random } = options;
  const verifier = createVerifier({ credentials: options.credentials, timeZone: 'Asia/Jakarta', maxSkewSeconds: 300, now: clock.now });
  const weighted = Object.entries(FAILURES).flatMap(([kind, { weight }]) => Array.from({ length: weight }, () => kind as FailureKind));
  const inOutage = (ms: number) => options.outages.some((outage) => ms >= outage.startMs && ms < outage.endMs);
  let attemptTimeoutMs = 0;

  const issue = (): string => {
    const token = Buffer.from(Array.from({ length: 512 }, () => random.integer(0, 255))).toString('base64');
    options.onTokenIssued(token, clock.nowMs() + options.tokenLifetimeSeconds * 1000);
    return token;
  };
  const success = (token: string) =>
    JSON.stringify({ access_token: token, expired_in: String(options.tokenLifetimeSeconds), status: '2', message: 'Success', response_code: '00', response_desc: 'success' });

  const fakeFetch: typeof fetch = async (_input, init) => {
    const atMs = clock.nowMs();
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const verdict = verifier.verifyTokenRequest(headers, new Set([TOKEN_PATH]));
    if (!verdict.ok) throw new Error(`the refresher sent a request the verifier rejects: ${verdict.problem}`);
    const failure = inOutage(atMs) ? random.pick(OUTAGE_FAILURES) : random.chance(options.failureRate) ? random.pick(weighted) : undefined;
    const answer = answerFor(failure, attemptTimeoutMs);
    options.onRequest({ atMs, ...(failure === undefined ? {} : { failure }), ...answer.record });
    return answer.respond();
  };

  const adapter = createFaspayTokenClient({ baseUrl: new URL(FASPAY_SANDBOX_BASE_URL), fetch: fakeFetch });
  return {
    requestToken(signer, requestedAt, timeoutMs) {
      attemptTimeoutMs = timeoutMs;
      return adapter.requestToken(signer, requestedAt, timeoutMs);
    },
  };

  function answerFor(failure: FailureKind | undefined, timeoutMs: number): { record: Partial<FaspayRequestRecord>; respond: () => Response | Promise<Response> } {
    const json = (status: number, body: string) => () => new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
    switch (failure) {
      case undefined: {
        clock.advanceBy(random.integer(150, 600));
        const token = issue();
        return { record: { issuedToken: token }, respond: json(200, success(token)) };
      }
      case 'http-500':
        clock.advanceBy(random.integer(50, 300));
        return { record: {}, respond: json(500, '{"status":"3","response_code":"99","message":"Error"}') };
      case 'html-500':
        clock.advanceBy(random.integer(50, 300));
        return { record: {}, respond: () => new Response('<html><body><h1>Internal Server Error</h1></body></html>', { status: 500 }) };
      case 'http-429':
        clock.advanceBy(random.integer(20, 100));
        return { record: {}, respond: json(429, '{"message":"Too Many Requests"}') };
      case 'internal-error':
        clock.advanceBy(random.integer(100, 400));
        return { record: {}, respond: json(200, '{"status":"3","response_code":"99","response_desc":"internal error","message":"Failed"}') };
      case 'malformed-json':
        clock.advanceBy(random.integer(100, 400));
        return { record: {}, respond: json(200, '{"access_token":"abc","expired_in":"360') };
      case 'refused':
        clock.advanceBy(1);
        return { record: {}, respond: () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })) };
      case 'timeout': {
        // Faspay issues the token but answers too late: the time passes, then the request is aborted.
        const token = issue();
        clock.advanceBy(timeoutMs);
        return { record: { issuedToken: token }, respond: () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) };
      }
      case 'reset-mid-body': {
        clock.advanceBy(random.integer(150, 600));
        const token = issue();
        const half = success(token).slice(0, 200);
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(half));
            controller.error(new TypeError('terminated'));
          },
        });
        return { record: { issuedToken: token }, respond: () => new Response(body, { status: 200 }) };
      }
    }
  }
}
