import type { FaspayCredentials } from '../functions/faspay/index.js';
import { BALANCE_BODY, createVerifier, type TokenLedger, unauthorizedBody } from '../simulator/index.js';
import type { VirtualClock } from './virtual-time.js';

/**
 * SendMe's service side, as a `fetch`: the simulator's verifier checks each signature against the
 * virtual clock and Faspay's ledger says whether the token is still accepted (issued, unexpired,
 * not revoked by a later token). Answers are the simulator's bodies.
 *
 * A badly signed call is refused (HTTP 401, as the simulator's server refuses it) only when
 * `refuseBadSignatures` is set, for callers that are wrong on purpose (a misconfigured consumer);
 * from anyone else it throws, because it means the soak run itself is broken.
 */
export function createFakeSendme(options: {
  readonly clock: VirtualClock;
  readonly credentials: FaspayCredentials;
  readonly ledger: TokenLedger;
  /** The zone SendMe checks timestamps in (Faspay's, the refresher's FASPAY_TIMEZONE). */
  readonly timeZone: string;
  readonly refuseBadSignatures?: boolean;
}): typeof fetch {
  const verifier = createVerifier({
    credentials: options.credentials,
    timeZone: options.timeZone,
    maxSkewSeconds: 300,
    now: options.clock.now,
  });
  return async (input, init) => {
    const path = pathOf(input);
    // The signed fetch passes a plain object of lower-case names; anything else goes through Headers.
    const headers = isPlainRecord(init?.headers) ? init.headers : Object.fromEntries(new Headers(init?.headers).entries());
    const verdict = verifier.verifyServiceCall(headers, init?.method ?? 'GET', path);
    if (!verdict.ok && options.refuseBadSignatures !== true) throw new Error(`a call the verifier rejects: ${verdict.problem}`);
    const problem = verdict.ok ? options.ledger.problemWith(verdict.fields.accessToken) : verdict.problem;
    const [status, body] = problem === undefined ? [200, BALANCE_BODY] : [401, unauthorizedBody(problem)];
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
}

/**
 * The refresher's one `fetch` to Faspay: token requests (`signedPath`) go to the token endpoint,
 * any other path (a read-only SendMe call the refresher makes to confirm a report) to SendMe, which
 * is out whenever the token endpoint is (`down`): the connection is refused.
 */
export function routeFaspay(options: {
  readonly signedPath: string;
  readonly tokenEndpoint: typeof fetch;
  readonly sendme: typeof fetch;
  readonly down: () => boolean;
  readonly onServiceCall: () => void;
}): typeof fetch {
  return async (input, init) => {
    if (pathOf(input) === options.signedPath) return options.tokenEndpoint(input, init);
    options.onServiceCall();
    if (options.down()) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    return options.sendme(input, init);
  };
}

function pathOf(input: Parameters<typeof fetch>[0]): string {
  return new URL(input instanceof Request ? input.url : String(input)).pathname;
}

function isPlainRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
