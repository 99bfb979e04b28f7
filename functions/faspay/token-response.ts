import type { TokenGrant } from '../token/token-document.js';
import { FaspayError } from './errors.js';

/** The lifetime Faspay documents for its tokens (`expired_in` 36000). */
export const DOCUMENTED_TOKEN_LIFETIME_SECONDS = 10 * 3600;

/**
 * Longest token accepted: the stored document (token plus three timestamps, about 110 bytes) must
 * fit an SSM Advanced parameter (8 KB). Whether it fits the parameter actually configured (Standard:
 * 4 KB) is checked in bytes before the write (TOKEN_TOO_LARGE). Tokens seen are about 684 characters.
 */
export const MAX_ACCESS_TOKEN_LENGTH = 8000;

const MAX_TEXT_FIELD = 200;

export interface RawHttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * Turns an HTTP answer to `GET /account/api/tokens` into a grant, or throws a {@link FaspayError}
 * with a stable code. Success is exactly: HTTP 2xx, JSON object, `status` "2", `response_code` "00",
 * non-empty `access_token`, positive integer `expired_in` (a string in practice).
 */
export function parseTokenResponse(answer: RawHttpAnswer): TokenGrant {
  const body = parseJsonObject(answer.body);
  const said = body === undefined ? {} : whatFaspaySaid(body);
  const unauthorized = body !== undefined && body.status === '9';

  if (answer.status < 200 || answer.status > 299) {
    if (unauthorized) {
      throw new FaspayError('FASPAY_UNAUTHORIZED', `Faspay answered Unauthorized (HTTP ${answer.status})`, {
        httpStatus: answer.status,
        ...said,
      });
    }
    const retryable = answer.status >= 500 || answer.status === 429 || answer.status === 408;
    throw new FaspayError('FASPAY_HTTP_ERROR', `Faspay answered HTTP ${answer.status}`, {
      retryable,
      httpStatus: answer.status,
      ...said,
    });
  }
  if (body === undefined) {
    throw new FaspayError('FASPAY_BAD_RESPONSE', `Faspay answered HTTP ${answer.status} with a body that is not a JSON object`, {
      httpStatus: answer.status,
    });
  }
  if (unauthorized) {
    throw new FaspayError('FASPAY_UNAUTHORIZED', 'Faspay answered Unauthorized (status 9)', {
      httpStatus: answer.status,
      ...said,
    });
  }
  if (body.status !== '2' || body.response_code !== '00') {
    // "99" is Faspay's internal error: worth another try; other codes are answers about the request.
    throw new FaspayError('FASPAY_REJECTED', 'Faspay refused the token request', {
      retryable: body.response_code === '99',
      httpStatus: answer.status,
      ...said,
    });
  }
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new FaspayError('FASPAY_BAD_RESPONSE', 'Faspay answered success without an access_token', {
      httpStatus: answer.status,
      ...said,
    });
  }
  if (accessToken.length > MAX_ACCESS_TOKEN_LENGTH) {
    throw new FaspayError(
      'FASPAY_BAD_RESPONSE',
      `Faspay answered an access_token longer than ${MAX_ACCESS_TOKEN_LENGTH} characters, which cannot be stored`,
      { httpStatus: answer.status, ...said },
    );
  }
  const expiresInSeconds = parseExpiredIn(body.expired_in);
  if (expiresInSeconds === undefined) {
    throw new FaspayError(
      'FASPAY_BAD_RESPONSE',
      'Faspay answered success with an unusable expired_in (expected a whole number of seconds, at least 1)',
      { httpStatus: answer.status, ...said },
    );
  }
  return { accessToken, expiresInSeconds };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseExpiredIn(value: unknown): number | undefined {
  let seconds: number;
  if (typeof value === 'string' && /^\d{1,12}$/.test(value)) seconds = Number(value);
  else if (typeof value === 'number' && Number.isInteger(value)) seconds = value;
  else return undefined;
  // Any length is a token Faspay issued: one longer than the stored maximum (48 h) is kept with its
  // lifetime cut to that (createTokenDocument), never thrown away, since its issue may already have
  // revoked the stored token.
  return Number.isSafeInteger(seconds) && seconds >= 1 ? seconds : undefined;
}

function whatFaspaySaid(body: Record<string, unknown>): {
  responseCode?: string;
  responseDesc?: string;
  faspayMessage?: string;
} {
  return {
    responseCode: shortText(body.response_code),
    responseDesc: shortText(body.response_desc),
    faspayMessage: shortText(body.message),
  };
}

function shortText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > MAX_TEXT_FIELD ? `${value.slice(0, MAX_TEXT_FIELD)}…` : value;
}
