import { createSsmTokenStore } from '../adapters/parameter-store.js';
import type { TokenRejectedReport } from '../contracts/rejection-report.js';
import { type FaspayHeaders, formatFaspayTimestamp, type HttpMethod, parseSignedPath } from '../faspay/index.js';
import { isCodedError } from '../shared/coded-error.js';
import { ConfigError } from '../shared/config-error.js';
import { copyTokenDocument, parseTokenDocument, type StoredRecord, type TokenDocument } from '../token/index.js';
import { defaultSsmClient, recordSsmClient } from './aws-clients.js';
import { cacheDeadlineMs, jitterMs, MIN_REREAD_AFTER_UNAUTHORIZED_MS } from './cache-policy.js';
import { createSignerSource } from './credentials.js';
import { asProviderError, TokenProviderError } from './errors.js';
import { type ConsumerToken, type FaspayTokenProviderOptions, resolveOptions, type TokenSource } from './options.js';
import { createSingleFlight } from './single-flight.js';

export interface FaspayTokenProvider {
  /** The SSM parameter the token is read from. */
  readonly parameterName: string;
  /** The current token: from memory until its `refreshAt` (plus jitter), never at or after its `expiresAt`. */
  getToken(): Promise<ConsumerToken>;
  /** The `faspay-*` headers and `Content-Type` for one SendMe service call, with a fresh timestamp. */
  headersFor(method: HttpMethod, path: string): Promise<FaspayHeaders>;
  /** `headersFor`, plus the parameter version of the token the headers were signed with. */
  signCall(method: HttpMethod, path: string): Promise<SignedCall>;
  /**
   * Forgets the cached token (and credentials read from a secret): call it after SendMe answers
   * Unauthorized. At most once per `MIN_REREAD_AFTER_UNAUTHORIZED_MS` (10 s) per provider, so a
   * token SendMe keeps refusing costs one SSM read and one secret read per 10 s, not one per
   * failing request. Given the version that was refused, it does nothing when the cache already
   * holds another version (a concurrent call re-read it).
   */
  invalidate(rejected?: TokenRejectedReport): void;
}

export interface SignedCall {
  readonly headers: FaspayHeaders;
  /** SSM version of the document whose token signed the call: what a rejection report names. */
  readonly parameterVersion: number;
  /** When that token was issued: the same token stored again under a new version keeps it. */
  readonly issuedAt: Date;
  /** The provider's clock when the call was signed (the time in `faspay-timestamp`). */
  readonly signedAt: Date;
}

/** The stored document, as read, and how long it may be served from memory. */
interface CachedToken {
  readonly document: TokenDocument;
  readonly version: number;
  /** Served from memory until then; never after the document's `expiresAt`. */
  readonly deadlineMs: number;
}

const cacheTimesOf = (document: TokenDocument) => ({
  refreshAtMs: document.refreshAt.getTime(),
  expiresAtMs: document.expiresAt.getTime(),
});

const METHODS: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads the token document the refresher publishes and keeps it in memory by the document's own
 * schedule: one read per token per container in the normal case, instead of one per request or per
 * fixed TTL. Concurrent callers share one read. A failed read is never cached; while a still-valid
 * token is held, a failed re-read serves that token and tries again after a re-check interval, so a
 * throttled or unavailable SSM does not turn every request into another read.
 *
 * @example
 * const provider = createFaspayTokenProvider({
 *   parameterName: '/faspay/sendme/access-token',
 *   credentialsSecretId: 'faspay/sendme/credentials',
 * });
 * const headers = await provider.headersFor('GET', '/account/api/balance_inquiry');
 */
export function createFaspayTokenProvider(options: FaspayTokenProviderOptions): FaspayTokenProvider {
  const settings = resolveOptions(options);
  const { parameterName, clock } = settings;
  const ssmClient = options.tokenSource === undefined ? (options.ssmClient ?? defaultSsmClient()) : undefined;
  const source: TokenSource = options.tokenSource ?? createSsmTokenStore(ssmClient ?? defaultSsmClient(), { parameterName });
  const signers = createSignerSource(options);
  const nextJitterMs = () => jitterMs(settings.random, settings.maxJitterSeconds);

  let cached: CachedToken | undefined;
  let generation = 0;
  let lastInvalidationMs = Number.NEGATIVE_INFINITY;
  const flight = createSingleFlight(() => reread(generation));

  async function reread(startedIn: number): Promise<CachedToken> {
    const previous = cached;
    try {
      const fresh = await readStored();
      if (startedIn === generation) cached = fresh;
      return fresh;
    } catch (error) {
      const nowMs = clock().getTime();
      if (previous === undefined || nowMs >= previous.document.expiresAt.getTime() || startedIn !== generation) throw error;
      // Stale while error: the token in hand is still valid, so serve it and look again after a
      // re-check interval rather than on every call.
      cached = { ...previous, deadlineMs: cacheDeadlineMs(cacheTimesOf(previous.document), nowMs, nextJitterMs()) };
      return cached;
    }
  }

  async function readStored(): Promise<CachedToken> {
    let record: StoredRecord | undefined;
    try {
      record = await source.read();
    } catch (error) {
      throw asProviderError(error, 'PARAMETER_READ_FAILED', `reading the token parameter "${parameterName}"`);
    }
    if (record === undefined) {
      throw new TokenProviderError(
        'TOKEN_MISSING',
        `the token parameter "${parameterName}" does not exist: deploy the refresher and let it run once (or invoke it with {"force": true})`,
        { retryable: true, details: { parameterName } },
      );
    }
    const document = parseStored(record.value);
    const nowMs = clock().getTime();
    if (nowMs >= document.expiresAt.getTime()) {
      throw new TokenProviderError(
        'TOKEN_EXPIRED',
        `the token in "${parameterName}" expired at ${document.expiresAt.toISOString()} and has not been replaced: check the refresher's alarms and logs, or invoke it with {"force": true}`,
        { retryable: true, details: { parameterName, expiresAt: document.expiresAt.toISOString(), version: record.version } },
      );
    }
    return { document, version: record.version, deadlineMs: cacheDeadlineMs(cacheTimesOf(document), nowMs, nextJitterMs()) };
  }

  function parseStored(text: string): TokenDocument {
    try {
      return parseTokenDocument(text);
    } catch (error) {
      // The parser's messages name a field, never a value, so they can be passed on.
      const problem = isCodedError(error) ? error.message : 'unreadable';
      throw new TokenProviderError('TOKEN_INVALID', `the token parameter "${parameterName}" holds an unusable document: ${problem}`, {
        details: { parameterName },
      });
    }
  }

  async function current(): Promise<CachedToken> {
    const entry = cached;
    // deadlineMs never lies past expiresAtMs, so this one comparison also keeps expired tokens out.
    if (entry !== undefined && clock().getTime() < entry.deadlineMs) return entry;
    return flight.run();
  }

  async function signCall(method: HttpMethod, path: string): Promise<SignedCall> {
    if (!METHODS.has(method)) {
      throw new ConfigError(`method must be one of ${[...METHODS].join(', ')}, got "${String(method)}"`);
    }
    const signedPath = parseSignedPath(path, 'the service path');
    const [entry, signer] = await Promise.all([current(), signers.signer()]);
    const signedAt = clock();
    const headers = signer.serviceCallHeaders(
      method,
      signedPath,
      formatFaspayTimestamp(signedAt, settings.timeZone),
      entry.document.accessToken,
    );
    return { headers, parameterVersion: entry.version, issuedAt: new Date(entry.document.issuedAt), signedAt: new Date(signedAt) };
  }

  const provider: FaspayTokenProvider = {
    parameterName,
    async getToken() {
      const entry = await current();
      // A copy on every call: a caller mutating a Date must not move the cache's schedule.
      return { ...copyTokenDocument(entry.document), parameterVersion: entry.version };
    },
    async headersFor(method, path) {
      return (await signCall(method, path)).headers;
    },
    signCall,
    invalidate(rejected) {
      // A concurrent call already replaced the refused token: nothing to forget.
      if (rejected !== undefined && cached !== undefined && cached.version !== rejected.parameterVersion) return;
      const nowMs = clock().getTime();
      // A token SendMe keeps refusing (revoked, not yet replaced) must not turn every failing
      // request into an SSM read and a secret read: one re-read per interval finds the new token.
      if (nowMs - lastInvalidationMs < MIN_REREAD_AFTER_UNAUTHORIZED_MS) return;
      lastInvalidationMs = nowMs;
      generation++;
      cached = undefined;
      flight.detach();
      signers.forget();
    },
  };
  if (ssmClient !== undefined) recordSsmClient(provider, ssmClient);
  return provider;
}
