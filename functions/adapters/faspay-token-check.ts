import { type FaspaySigner, faspayUrl, formatFaspayTimestamp, isUnauthorizedAnswer } from '../faspay/index.js';
import type { TokenCheck } from '../refresher/ports.js';
import { readBoundedText } from './bounded-body.js';

/** SendMe's answers to a read-only call are small; a larger one is not read and the check is inconclusive. */
const MAX_CHECK_ANSWER_BYTES = 64 * 1024;

export interface FaspayTokenCheckOptions {
  readonly baseUrl: URL;
  /** The read-only service path the check calls (GET, signed with the stored token). */
  readonly path: string;
  readonly timeZone?: string;
  readonly fetch: typeof fetch;
}

/**
 * The check of a reported token: one signed `GET` of a read-only SendMe path with that token.
 * Unauthorized (functions/faspay isUnauthorizedAnswer) confirms the report, a 2xx refutes it, and
 * anything else (a 5xx, a 4xx of the path itself, a timeout, a network error) says nothing, so the
 * report stands. Nothing of the answer is kept but that verdict.
 */
export function createFaspayTokenCheck(signer: FaspaySigner, options: FaspayTokenCheckOptions) {
  const url = faspayUrl(options.baseUrl, options.path);
  return async (accessToken: string, at: Date, timeoutMs: number): Promise<TokenCheck> => {
    const headers = signer.serviceCallHeaders('GET', options.path, formatFaspayTimestamp(at, options.timeZone), accessToken);
    try {
      // Redirects are not followed: the signed headers must not go to another host.
      const response = await options.fetch(url, {
        method: 'GET',
        headers: { ...headers },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      const body = await readBoundedText(response, MAX_CHECK_ANSWER_BYTES);
      if (isUnauthorizedAnswer(response.status, body)) return 'refused';
      return response.status >= 200 && response.status <= 299 ? 'accepted' : 'inconclusive';
    } catch {
      // Not kept or logged: fetch errors can carry the request, and the request carries the signature.
      return 'inconclusive';
    }
  };
}
