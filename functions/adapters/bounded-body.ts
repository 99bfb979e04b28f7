import { CodedError } from '../shared/coded-error.js';

/**
 * Thrown when an HTTP answer is larger than the caller is willing to read. Callers turn it into an
 * error about the service that answered (functions/adapters/faspay-transport.ts).
 */
export class BodyTooLargeError extends CodedError<'ANSWER_TOO_LARGE'> {
  override readonly name = 'BodyTooLargeError';
  readonly code = 'ANSWER_TOO_LARGE' as const;
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`the answer is larger than ${limitBytes} bytes`, { details: { limitBytes } });
    this.limitBytes = limitBytes;
  }
}

/**
 * Reads a response body as UTF-8, refusing (and cancelling the stream) as soon as it exceeds
 * `limitBytes`: a misbehaving endpoint cannot make the function buffer an arbitrary amount.
 */
export async function readBoundedText(response: Response, limitBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limitBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limitBytes);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
