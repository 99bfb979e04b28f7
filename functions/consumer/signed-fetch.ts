import { readBoundedText } from '../adapters/bounded-body.js';
import { transportError } from '../adapters/faspay-transport.js';
import { faspayUrl, type HttpMethod, isUnauthorizedAnswer, parseFaspayBaseUrl, parseSignedPath } from '../faspay/index.js';
import { ConfigError } from '../shared/config-error.js';
import { ssmClientOf } from './aws-clients.js';
import { createRejectionReporter, defaultTokenRejectedHook, reportCooldownMs, type TokenRejectedHook } from './rejection-reporting.js';
import type { FaspayTokenProvider, SignedCall } from './token-provider.js';

/** @default of `timeoutMs`: one attempt, headers and JSON body included. */
export const DEFAULT_SERVICE_TIMEOUT_MS = 10_000;

/** JSON answers are read to look for `"status": "9"`; larger ones are refused rather than buffered. */
export const MAX_INSPECTED_ANSWER_BYTES = 10 * 1024 * 1024;

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface SignedFaspayFetchOptions {
  /** SendMe's base URL (https; http only on loopback), e.g. https://sendme-sandbox.faspay.co.id */
  readonly baseUrl: string | URL;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per attempt. @default 10000 */
  readonly timeoutMs?: number;
  /**
   * Told when SendMe still answers Unauthorized after the re-read-and-retry and the retry used the
   * same token (the same parameter version, or the same token stored again as a new version): the
   * stored token itself is refused (revoked by an outside reissue, say), and only the refresher can
   * replace it; the report names the retry's version. Called when a version is first refused and
   * again at most once per `reportCooldownSeconds` (by the provider's clock) while it stays refused,
   * per signed fetch (build it once per container); awaited for up to 2 s; a failure is logged by
   * code and never changes the answer handed back.
   * @default - when FASPAY_TOKEN_REJECTION_BUS is set (the construct's `grantReportRejection` sets
   * it), a rejection report through EventBridge to the refresher; otherwise nothing is reported
   */
  readonly onTokenRejected?: TokenRejectedHook;
  /**
   * Shortest pause before a version that stays refused is reported again by this container (never
   * less than the 10 s re-read interval). Set it to the refresher's `rejectionCooldown` when that is
   * not the default.
   * @default DEFAULT_REPORT_COOLDOWN_SECONDS - the refresher's own default REJECTION_COOLDOWN_SECONDS
   */
  readonly reportCooldownSeconds?: number;
}

export interface SignedRequestInit {
  /** Appended as a query string; not part of the signature. */
  readonly query?: Readonly<Record<string, string>>;
  /** Sent as JSON (not with GET: fetch refuses a GET body). */
  readonly body?: unknown;
  /**
   * Values appended to the URL as path segments after the signed path, the way the official SDKs
   * send GET parameters (`/account/api/inquiry_status/{value}`); the signature covers the bare path.
   */
  readonly pathValues?: readonly string[];
}

export type SignedFaspayFetch = (method: HttpMethod, path: string, init?: SignedRequestInit) => Promise<Response>;

/**
 * A fetch for SendMe service calls: signs each attempt with `provider.signCall` and, when SendMe
 * answers Unauthorized (HTTP 401 or a JSON body with `"status": "9"`), calls `provider.invalidate()`
 * and tries exactly once more with a re-read token: the token may have been replaced early by a
 * forced refresh. When the retry is refused with the same stored version, the token itself is bad
 * and `onTokenRejected` reports it, so that the refresher replaces it. Unauthorized means the request was refused before it was processed, which is what
 * makes one retry safe even for a POST. Redirects are not followed. Resolves to the answer (JSON
 * bodies already read, so the returned Response can be read as usual); rejects only with coded
 * errors (timeout, network, token).
 *
 * @example
 * const sendme = createSignedFaspayFetch(provider, { baseUrl: process.env.FASPAY_BASE_URL! });
 * const answer = await sendme('GET', '/account/api/balance_inquiry');
 */
export function createSignedFaspayFetch(provider: FaspayTokenProvider, options: SignedFaspayFetchOptions): SignedFaspayFetch {
  const base = parseFaspayBaseUrl(options.baseUrl instanceof URL ? options.baseUrl.href : String(options.baseUrl), 'baseUrl');
  const timeoutMs = options.timeoutMs ?? DEFAULT_SERVICE_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 300_000) {
    throw new ConfigError(`timeoutMs must be a whole number of milliseconds from 1 to 300000, got ${String(timeoutMs)}`);
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  const hook = options.onTokenRejected ?? defaultTokenRejectedHook(process.env, provider.parameterName, ssmClientOf(provider));
  const cooldownMs = reportCooldownMs(options.reportCooldownSeconds);
  const report = hook === undefined ? undefined : createRejectionReporter(hook, provider.parameterName, cooldownMs);

  return async (method, path, init = {}) => {
    const signedPath = parseSignedPath(path, 'the service path');
    const url = serviceUrl(base, signedPath, init);
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined && method === 'GET') {
      throw new ConfigError('a GET request cannot carry a body: pass query or pathValues instead');
    }
    const attempt = async (): Promise<Answer & Omit<SignedCall, 'headers'>> => {
      const { headers, parameterVersion, issuedAt, signedAt } = await provider.signCall(method, signedPath);
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        // Never followed: the signed headers must not go to another host. A 3xx is handed back as the answer.
        const response = await doFetch(url, { method, headers: { ...headers }, body, signal, redirect: 'manual' });
        return { ...(await classify(response)), parameterVersion, issuedAt, signedAt };
      } catch (error) {
        // Not kept as cause: fetch errors can carry the request, and the request carries the signature.
        throw transportError(error, signal, timeoutMs);
      }
    };
    const first = await attempt();
    if (!first.unauthorized) return first.response;
    provider.invalidate({ parameterVersion: first.parameterVersion });
    const second = await attempt();
    // Only the same token refused twice is reported: the same version, or the same token stored again
    // under a new version (the refresher does that when a replacement failed, to keep it due). A
    // different token refused too would be a different story (credentials, say). The refresher
    // replaces the reported version only while it is still the stored one.
    const sameToken = second.parameterVersion === first.parameterVersion || second.issuedAt.getTime() === first.issuedAt.getTime();
    if (second.unauthorized && sameToken) await report?.(second.parameterVersion, second.signedAt);
    return second.response;
  };
}

interface Answer {
  readonly response: Response;
  readonly unauthorized: boolean;
}

function serviceUrl(base: URL, signedPath: string, init: SignedRequestInit): URL {
  const values = init.pathValues ?? [];
  for (const value of values) {
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError('pathValues must be non-empty strings');
    }
  }
  const url = faspayUrl(base, signedPath + values.map((value) => `/${encodeURIComponent(value)}`).join(''));
  for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.append(name, value);
  return url;
}

/** Reads JSON (and 401) answers to see whether SendMe said Unauthorized, and hands back an equivalent Response. */
async function classify(response: Response): Promise<Answer> {
  const isJson = /\bjson\b/i.test(response.headers.get('content-type') ?? '');
  if (response.status !== 401 && !isJson) return { response, unauthorized: false };
  const text = await readBoundedText(response, MAX_INSPECTED_ANSWER_BYTES);
  const unauthorized = isUnauthorizedAnswer(response.status, text);
  const headers = new Headers(response.headers);
  // The text is already decoded and may differ in length from what was on the wire.
  headers.delete('content-length');
  headers.delete('content-encoding');
  const rebuilt = new Response(NULL_BODY_STATUSES.has(response.status) ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  return { response: rebuilt, unauthorized };
}
