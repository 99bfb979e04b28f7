import { createFaspaySigner, FaspayError, faspayUrl, formatFaspayTimestamp, parseTokenResponse, TOKEN_PATH } from '../faspay/index.js';
import type { TokenIssuer } from '../refresher/ports.js';
import { readBoundedText } from './bounded-body.js';
import { createFaspayTokenCheck } from './faspay-token-check.js';
import { transportError } from './faspay-transport.js';
import type { CredentialsSource } from './secrets.js';

/** Faspay's answers are a few hundred bytes; anything near this is not a token answer. */
export const MAX_FASPAY_ANSWER_BYTES = 64 * 1024;

export interface FaspayTokenIssuerOptions {
  /** Where the credentials come from (Secrets Manager, or a fixed set locally); read once per run. */
  readonly credentials: CredentialsSource;
  readonly baseUrl: URL;
  /** Path put in the signature. @default '/account/api/tokens' */
  readonly signedPath?: string;
  /** Zone of the `faspay-timestamp` header. @default 'Asia/Jakarta' */
  readonly timeZone?: string;
  /** Injected for tests and the soak run. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /**
   * The read-only service path a reported token is checked with before a token is bought for the
   * report (functions/adapters/faspay-token-check.ts). @default - no check: every report stands
   */
  readonly checkPath?: string;
}

/**
 * Faspay SendMe's token endpoint as the use case's token issuer: `GET /account/api/tokens` signed
 * with the credentials (functions/faspay), its answer parsed into a grant or a coded FaspayError.
 */
export function createFaspayTokenIssuer(options: FaspayTokenIssuerOptions): TokenIssuer {
  const url = faspayUrl(options.baseUrl, TOKEN_PATH);
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    async open() {
      const signer = createFaspaySigner(await options.credentials.load());
      const check =
        options.checkPath === undefined
          ? undefined
          : createFaspayTokenCheck(signer, {
              baseUrl: options.baseUrl,
              path: options.checkPath,
              fetch: doFetch,
              ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
            });
      return {
        ...(check === undefined ? {} : { check }),
        async request(requestedAt, timeoutMs) {
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
              { httpStatus: status },
            );
          }
          return parseTokenResponse({ status, body });
        },
      };
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
