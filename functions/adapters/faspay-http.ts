import { FaspayError, faspayUrl, formatFaspayTimestamp, parseTokenResponse, TOKEN_PATH } from '../faspay/index.js';
import type { FaspayTokenClient } from '../refresher/ports.js';
import { BodyTooLargeError, readBoundedText } from './bounded-body.js';

/** Faspay's answers are a few hundred bytes; anything near this is not a token answer. */
export const MAX_FASPAY_ANSWER_BYTES = 64 * 1024;

export interface FaspayTokenClientOptions {
  readonly baseUrl: URL;
  /** Path put in the signature. @default '/account/api/tokens' */
  readonly signedPath?: string;
  /** Zone of the `faspay-timestamp` header. @default 'Asia/Jakarta' */
  readonly timeZone?: string;
  /** Injected for tests. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export type { FaspayTokenClient } from '../refresher/ports.js';

export function createFaspayTokenClient(options: FaspayTokenClientOptions): FaspayTokenClient {
  const url = faspayUrl(options.baseUrl, TOKEN_PATH);
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    async requestToken(signer, requestedAt, timeoutMs) {
      const timestamp = formatFaspayTimestamp(requestedAt, options.timeZone);
      const headers = signer.tokenRequestHeaders(timestamp, options.signedPath);
      const signal = AbortSignal.timeout(timeoutMs);
      let status: number;
      let body: string;
      try {
        // Redirects are never followed (the signed headers would go to another host), but they are
        // read as answers: a redirect means a wrong base URL, which no retry can fix.
        const response = await doFetch(url, { method: 'GET', headers: { ...headers }, signal, redirect: 'manual' });
        status = response.status;
        body = isRedirect(status) ? await discardBody(response) : await readBoundedText(response, MAX_FASPAY_ANSWER_BYTES);
      } catch (error) {
        throw transportError(error, signal, timeoutMs);
      }
      if (isRedirect(status)) {
        throw new FaspayError(
          'FASPAY_HTTP_ERROR',
          `Faspay answered a redirect (HTTP ${status}), which is not followed: check the Faspay base URL`,
          {
            httpStatus: status,
          },
        );
      }
      return parseTokenResponse({ status, body });
    },
  };
}

function isRedirect(status: number): boolean {
  return status >= 300 && status <= 399;
}

async function discardBody(response: Response): Promise<string> {
  await response.body?.cancel().catch(() => undefined);
  return '';
}

/**
 * Maps what fetch throws to a Faspay error. The original error is not kept as `cause`: undici's
 * errors can carry the request, and the request carries the signature.
 */
export function transportError(error: unknown, signal: AbortSignal, timeoutMs: number): FaspayError {
  if (error instanceof BodyTooLargeError) {
    return new FaspayError('FASPAY_BAD_RESPONSE', `Faspay's answer is larger than ${error.limitBytes} bytes; refused unread`);
  }
  if (signal.aborted) {
    return new FaspayError('FASPAY_TIMEOUT', `Faspay did not answer within ${timeoutMs} ms`, { retryable: true });
  }
  const code = networkErrorCode(error);
  return new FaspayError('FASPAY_NETWORK', `the request to Faspay failed (${code})`, { retryable: true });
}

function networkErrorCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code)) return cause.code;
  if (error instanceof Error && error.message === 'terminated') return 'connection closed mid-answer';
  return 'network error';
}
