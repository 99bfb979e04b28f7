import type { FaspayCredentials } from '../functions/faspay/index.js';
import { createVerifier, type Fault, faultAnswer, successAnswer, type TokenEndpointAnswer, type TokenLedger } from '../simulator/index.js';
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

/** Whether Faspay is out at `ms`. */
export function inOutage(outages: readonly Outage[], ms: number): boolean {
  return outages.some((outage) => ms >= outage.startMs && ms < outage.endMs);
}

/**
 * How one request fails, and how often (relative weights). Each kind is one of the simulator's
 * faults, answered from the simulator's own table (simulator/answers.ts), except `refused`: no
 * Faspay answer at all, the connection is refused. `timeout` is the simulator's `slow`: Faspay
 * creates the token but answers after the refresher gave up.
 */
export const FAILURES = {
  'http-500': { weight: 3, fault: 'http-500' },
  'html-500': { weight: 2, fault: 'html-500' },
  'http-429': { weight: 2, fault: 'http-429' },
  'internal-error': { weight: 1, fault: 'internal-error' },
  timeout: { weight: 2, fault: 'slow' },
  'reset-mid-body': { weight: 1, fault: 'reset-mid-body' },
  refused: { weight: 1, fault: undefined },
  'malformed-json': { weight: 1, fault: 'malformed-json' },
} as const satisfies Record<string, { weight: number; fault: Fault | undefined }>;

export type FailureKind = keyof typeof FAILURES;

/** How long each answer takes, in ms (a timeout takes the attempt's whole timeout). */
const LATENCY_MS: Readonly<Record<Exclude<FailureKind, 'timeout' | 'refused'> | 'success', readonly [number, number]>> = {
  success: [150, 600],
  'http-500': [50, 300],
  'html-500': [50, 300],
  'http-429': [20, 100],
  'internal-error': [100, 400],
  'malformed-json': [100, 400],
  'reset-mid-body': [150, 600],
};

/** During an outage nothing answers well: connections are refused, time out, or get an error page. */
const OUTAGE_FAILURES: readonly FailureKind[] = ['refused', 'html-500', 'http-500'];

export interface FaspayRequestRecord {
  readonly atMs: number;
  readonly failure?: FailureKind;
  /** The token Faspay created for this request, if it created one. */
  readonly issuedToken?: string;
}

export interface FakeFaspay {
  /** What the refresher's Faspay adapter calls instead of the network. */
  readonly fetch: typeof fetch;
  attemptStarted(timeoutMs: number): void;
  issueOutside(): string;
}

export interface FakeFaspayOptions {
  readonly clock: VirtualClock;
  /** The refresher's FASPAY_TIMEZONE and FASPAY_SIGNED_PATH: what its signatures are checked against. */
  readonly timeZone: string;
  readonly signedPath: string;
  readonly random: Random;
  readonly credentials: FaspayCredentials;
  readonly outages: readonly Outage[];
  /** Probability that a request outside an outage fails. */
  readonly failureRate: number;
  readonly tokenLifetimeSeconds: number;
  /** Faspay's record of the tokens it issued: what SendMe accepts (shared with the consumers' SendMe). */
  readonly ledger: TokenLedger;
  /** Told about every request, after its answer. */
  readonly onRequest: (record: FaspayRequestRecord) => void;
}

/**
 * Faspay on a bad month, behind the refresher's real HTTP adapter (signing, bounded body, parsing
 * and error mapping all run): a `fetch` that verifies every request's signature with the
 * simulator's verifier (against the virtual clock), lets latency and timeouts pass on the virtual
 * clock, and fails at random and during outages, with the simulator's answers. A timeout is thrown
 * the way an aborted fetch is, after the timeout's time has passed.
 */
export function createFakeFaspay(options: FakeFaspayOptions): FakeFaspay {
  const { clock, random, ledger } = options;
  const verifier = createVerifier({ credentials: options.credentials, timeZone: options.timeZone, maxSkewSeconds: 300, now: clock.now });
  const weighted = Object.entries(FAILURES).flatMap(([kind, { weight }]) => Array.from({ length: weight }, () => kind as FailureKind));
  let attemptTimeoutMs = 0;

  const issue = (): string => {
    const token = Buffer.from(Array.from({ length: 512 }, () => random.integer(0, 255))).toString('base64');
    ledger.issue(token, options.tokenLifetimeSeconds);
    return token;
  };

  const fakeFetch: typeof fetch = async (_input, init) => {
    const atMs = clock.nowMs();
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const verdict = verifier.verifyTokenRequest(headers, new Set([options.signedPath]));
    if (!verdict.ok) throw new Error(`the refresher sent a request the verifier rejects: ${verdict.problem}`);
    const failure = inOutage(options.outages, atMs)
      ? random.pick(OUTAGE_FAILURES)
      : random.chance(options.failureRate)
        ? random.pick(weighted)
        : undefined;
    const respond = answerFor(failure, attemptTimeoutMs);
    options.onRequest({
      atMs,
      ...(failure === undefined ? {} : { failure }),
      ...(respond.issuedToken === undefined ? {} : { issuedToken: respond.issuedToken }),
    });
    return respond.response();
  };

  return {
    fetch: fakeFetch,
    /** Told by the refresher's observer before each token request: a timeout takes the attempt's whole timeout. */
    attemptStarted(timeoutMs: number) {
      attemptTimeoutMs = timeoutMs;
    },
    /** Someone else (a legacy system, a credential check) gets a token with the same credentials. */
    issueOutside: issue,
  };

  function answerFor(
    failure: FailureKind | undefined,
    timeoutMs: number,
  ): { issuedToken?: string; response: () => Response | Promise<Response> } {
    if (failure === 'refused') {
      clock.advanceBy(1);
      return { response: () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })) };
    }
    if (failure === 'timeout') {
      // Faspay issues the token but answers too late: the time passes, then the request is aborted.
      const answer = faultAnswer(FAILURES.timeout.fault, issue, options.tokenLifetimeSeconds);
      clock.advanceBy(timeoutMs);
      return {
        ...tokenOf(answer),
        response: () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      };
    }
    const [min, max] = LATENCY_MS[failure ?? 'success'];
    clock.advanceBy(random.integer(min, max));
    const answer =
      failure === undefined
        ? successAnswer(issue, options.tokenLifetimeSeconds)
        : faultAnswer(FAILURES[failure].fault, issue, options.tokenLifetimeSeconds);
    return { ...tokenOf(answer), response: () => render(answer) };
  }
}

function tokenOf(answer: TokenEndpointAnswer): { issuedToken?: string } {
  return answer.issuedToken === undefined ? {} : { issuedToken: answer.issuedToken };
}

/** The simulator's answer as a fetch Response: whole, or broken off half-way (`half-then-reset`). */
function render(answer: TokenEndpointAnswer): Response {
  const init = { status: answer.status, headers: { 'Content-Type': answer.contentType } };
  if (answer.delivery !== 'half-then-reset') return new Response(answer.body, init);
  const half = answer.body.slice(0, answer.body.length / 2);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(half));
      controller.error(new TypeError('terminated'));
    },
  });
  return new Response(body, init);
}
