import { FaspayError } from '../faspay/index.js';
import { BodyTooLargeError } from './bounded-body.js';

/**
 * Maps what fetch threw on a call to Faspay (the token request, a SendMe service call) to a Faspay
 * error. The original error is not kept as `cause`: undici's errors can carry the request, and the
 * request carries the signature.
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
