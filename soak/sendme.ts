import type { FaspayCredentials } from '../functions/faspay/index.js';
import { BALANCE_BODY, createVerifier, type TokenLedger, unauthorizedBody } from '../simulator/index.js';
import type { VirtualClock } from './virtual-time.js';

/**
 * SendMe's service side for the consumers, as a `fetch`: the simulator's verifier checks each
 * signature against the virtual clock and Faspay's ledger says whether the token is still accepted
 * (issued, unexpired, not revoked by a later token). Answers are the simulator's bodies.
 */
export function createFakeSendme(options: {
  readonly clock: VirtualClock;
  readonly credentials: FaspayCredentials;
  readonly ledger: TokenLedger;
  /** The zone the consumers sign their timestamps in. */
  readonly timeZone: string;
}): typeof fetch {
  const verifier = createVerifier({
    credentials: options.credentials,
    timeZone: options.timeZone,
    maxSkewSeconds: 300,
    now: options.clock.now,
  });
  return async (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    // The signed fetch passes a plain object of lower-case names; anything else goes through Headers.
    const headers = isPlainRecord(init?.headers) ? init.headers : Object.fromEntries(new Headers(init?.headers).entries());
    const verdict = verifier.verifyServiceCall(headers, init?.method ?? 'GET', path);
    if (!verdict.ok) throw new Error(`a consumer sent a call the verifier rejects: ${verdict.problem}`);
    const problem = options.ledger.problemWith(verdict.fields.accessToken);
    const [status, body] = problem === undefined ? [200, BALANCE_BODY] : [401, unauthorizedBody(problem)];
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
}

function isPlainRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
