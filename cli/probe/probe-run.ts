import { readBoundedText } from '../../functions/adapters/bounded-body.js';
import { createFaspayTokenIssuer, MAX_FASPAY_ANSWER_BYTES } from '../../functions/adapters/faspay-token-issuer.js';
import { transportError } from '../../functions/adapters/faspay-transport.js';
import { staticCredentialsSource } from '../../functions/adapters/secrets.js';
import {
  createFaspaySigner,
  type FaspayCredentials,
  FaspayError,
  type FaspayErrorCode,
  faspayUrl,
  formatFaspayTimestamp,
} from '../../functions/faspay/index.js';
import { type TokenFacts, tokenFacts } from '../format.js';
import { faspayAnswerFields, SERVICE_CALL_PATH } from '../local/consumer-check.js';

/*
 * First contact with a real Faspay: which signed path its token endpoint accepts, whether the token
 * works for a signed read-only call, and how far this machine's clock is from Faspay's. Every
 * request goes through the one protocol implementation (functions/faspay, the refresher's own token
 * issuer); what is kept of an answer is its status fields, never a token or a header value.
 */

/** What Faspay said, as far as it is safe to show: codes and short texts, never a body. */
export interface ProbeAnswer {
  readonly httpStatus?: number;
  readonly responseCode?: string;
  readonly responseDesc?: string;
  /** The project's stable code for a refused or failed answer (FASPAY_UNAUTHORIZED, ...). */
  readonly errorCode?: FaspayErrorCode;
  /** This machine's clock minus Faspay's `Date` header, in whole seconds (the header has no finer grain). */
  readonly clockOffsetSeconds?: number;
}

export interface TokenAttempt extends ProbeAnswer {
  readonly signedPath: string;
  /** accepted: a token was issued; refused: Faspay said no, another variant may do; failed: Faspay could not be asked. */
  readonly verdict: 'accepted' | 'refused' | 'failed';
  readonly message: string;
  readonly token?: TokenFacts & { readonly expiresInSeconds: number };
}

export interface ServiceCallAttempt extends ProbeAnswer {
  readonly method: 'GET';
  readonly path: string;
  readonly faspayStatus?: string;
  /** Not Unauthorized: the signature and the token were accepted (a business answer also counts). */
  readonly accepted: boolean;
  readonly message: string;
}

export interface ProbeOptions {
  readonly baseUrl: URL;
  readonly credentials: FaspayCredentials;
  /** Signed paths to try, in order; the probe stops at the first Faspay accepts. */
  readonly variants: readonly string[];
  readonly timeZone: string;
  readonly timeoutMs: number;
  readonly clock: () => Date;
  readonly fetch?: typeof fetch;
  /** Told about each answer as it comes, so a person sees progress. */
  readonly onTokenAttempt?: (attempt: TokenAttempt, index: number) => void;
}

export interface ProbeResult {
  readonly attempts: readonly TokenAttempt[];
  /** The signed path Faspay accepted, when one was. */
  readonly acceptedPath?: string;
  readonly serviceCall?: ServiceCallAttempt;
  /** From the last answer that carried a `Date` header. */
  readonly clockOffsetSeconds?: number;
}

/** Tries each variant until one is accepted (one token at most), then one signed balance inquiry. */
export async function probeFaspay(options: ProbeOptions): Promise<ProbeResult> {
  const timed = timedFetch(options.fetch ?? globalThis.fetch, options.clock);
  const attempts: TokenAttempt[] = [];
  let accessToken: string | undefined;
  for (const signedPath of options.variants) {
    const issuer = createFaspayTokenIssuer({
      credentials: staticCredentialsSource(options.credentials),
      baseUrl: options.baseUrl,
      signedPath,
      timeZone: options.timeZone,
      fetch: timed.fetch,
    });
    const attempt = await (await issuer.open())
      .request(options.clock(), options.timeoutMs)
      .then((grant) => {
        accessToken = grant.accessToken;
        return accepted(signedPath, timed.last(), grant.accessToken, grant.expiresInSeconds);
      })
      .catch((error: unknown) => notAccepted(signedPath, timed.last(), error));
    attempts.push(attempt);
    options.onTokenAttempt?.(attempt, attempts.length - 1);
    if (attempt.verdict !== 'refused') break;
  }
  const serviceCall = accessToken === undefined ? undefined : await balanceInquiry(options, timed, accessToken);
  const acceptedPath = attempts.find((attempt) => attempt.verdict === 'accepted')?.signedPath;
  const clockOffsetSeconds = [serviceCall, ...[...attempts].reverse()].find(
    (answer) => answer?.clockOffsetSeconds !== undefined,
  )?.clockOffsetSeconds;
  return {
    attempts,
    ...(acceptedPath === undefined ? {} : { acceptedPath }),
    ...(serviceCall === undefined ? {} : { serviceCall }),
    ...(clockOffsetSeconds === undefined ? {} : { clockOffsetSeconds }),
  };
}

function accepted(signedPath: string, offset: ClockReading, accessToken: string, expiresInSeconds: number): TokenAttempt {
  return {
    signedPath,
    verdict: 'accepted',
    message: 'Faspay issued a token',
    httpStatus: offset.httpStatus ?? 200,
    responseCode: '00',
    ...clockField(offset),
    token: { ...tokenFacts(accessToken), expiresInSeconds },
  };
}

function notAccepted(signedPath: string, offset: ClockReading, error: unknown): TokenAttempt {
  if (!(error instanceof FaspayError)) throw error;
  const details = error.details as { httpStatus?: number; responseCode?: string; responseDesc?: string };
  return {
    signedPath,
    verdict: refusedForTheRequest(error) ? 'refused' : 'failed',
    message: error.message,
    errorCode: error.code,
    ...(details.httpStatus === undefined ? {} : { httpStatus: details.httpStatus }),
    ...(details.responseCode === undefined ? {} : { responseCode: details.responseCode }),
    ...(details.responseDesc === undefined ? {} : { responseDesc: details.responseDesc }),
    ...clockField(offset),
  };
}

/**
 * Faspay judged this request (Unauthorized, a refusal, a 4xx): another signed path may pass. A
 * network error, a timeout, a 5xx, a redirect or a garbled answer says nothing about the path, and
 * every other variant would meet the same: the probe stops there instead of spending requests.
 */
function refusedForTheRequest(error: FaspayError): boolean {
  if (error.code === 'FASPAY_UNAUTHORIZED') return true;
  if (error.code === 'FASPAY_REJECTED') return !error.retryable;
  const status = (error.details as { httpStatus?: number }).httpStatus;
  return error.code === 'FASPAY_HTTP_ERROR' && !error.retryable && status !== undefined && status >= 400 && status <= 499;
}

async function balanceInquiry(options: ProbeOptions, timed: TimedFetch, accessToken: string): Promise<ServiceCallAttempt> {
  const timestamp = formatFaspayTimestamp(options.clock(), options.timeZone);
  const headers = createFaspaySigner(options.credentials).serviceCallHeaders('GET', SERVICE_CALL_PATH, timestamp, accessToken);
  const signal = AbortSignal.timeout(options.timeoutMs);
  const base = { method: 'GET', path: SERVICE_CALL_PATH } as const;
  let response: Response;
  let text: string;
  try {
    response = await timed.fetch(faspayUrl(options.baseUrl, SERVICE_CALL_PATH), {
      method: 'GET',
      headers: { ...headers },
      signal,
      redirect: 'manual',
    });
    text = await readBoundedText(response, MAX_FASPAY_ANSWER_BYTES);
  } catch (error) {
    const failure = transportError(error, signal, options.timeoutMs);
    return { ...base, accepted: false, errorCode: failure.code, message: failure.message, ...clockField(timed.last()) };
  }
  const answer = faspayAnswerFields(text);
  const unauthorized = response.status === 401 || answer.status === '9';
  const success = response.ok && answer.status === '2' && answer.responseCode === '00';
  return {
    ...base,
    httpStatus: response.status,
    ...(answer.status === undefined ? {} : { faspayStatus: answer.status }),
    ...(answer.responseCode === undefined ? {} : { responseCode: answer.responseCode }),
    ...(answer.responseDesc === undefined ? {} : { responseDesc: answer.responseDesc }),
    ...(unauthorized ? { errorCode: 'FASPAY_UNAUTHORIZED' as const } : {}),
    accepted: !unauthorized && response.status < 300,
    message: success
      ? 'signature and token accepted'
      : unauthorized
        ? 'Faspay refused the signed call (Unauthorized)'
        : response.status < 300
          ? 'not Unauthorized, so the signed headers were accepted'
          : `Faspay answered HTTP ${response.status}`,
    ...clockField(timed.last()),
  };
}

interface ClockReading {
  readonly httpStatus?: number;
  readonly clockOffsetSeconds?: number;
}

function clockField(reading: ClockReading): { clockOffsetSeconds?: number } {
  return reading.clockOffsetSeconds === undefined ? {} : { clockOffsetSeconds: reading.clockOffsetSeconds };
}

interface TimedFetch {
  readonly fetch: typeof fetch;
  /** The last answer's status and clock offset (empty when it never came). */
  last(): ClockReading;
}

/**
 * fetch that notes, for each answer, this machine's clock against Faspay's `Date` header: the
 * middle of the round trip against the middle of the second the header names (it is truncated to
 * whole seconds), rounded to whole seconds.
 */
function timedFetch(inner: typeof fetch, clock: () => Date): TimedFetch {
  let last: ClockReading = {};
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
    last = {};
    const sentMs = clock().getTime();
    const response = await inner(input, init);
    const receivedMs = clock().getTime();
    const serverMs = Date.parse(response.headers.get('date') ?? '');
    last = {
      httpStatus: response.status,
      ...(Number.isNaN(serverMs) ? {} : { clockOffsetSeconds: Math.round(((sentMs + receivedMs) / 2 - (serverMs + 500)) / 1000) }),
    };
    return response;
  };
  return { fetch: wrapped as typeof fetch, last: () => last };
}
