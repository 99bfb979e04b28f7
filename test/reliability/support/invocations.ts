import { inspect } from 'node:util';
import type { Context } from 'aws-lambda';
import type { CodedError } from '../../../functions/shared/coded-error.js';
import type { captureOutput } from '../../support/output-capture.js';
import type { Handler } from '../../support/refresher-harness.js';

/** The stack's schedule payload (what EventBridge Scheduler sends every 15 minutes). */
export const SCHEDULED_EVENT = { trigger: 'schedule', scheduledTime: '2026-11-25T00:00:00Z', executionId: 'exec-1' };
export const FORCED_EVENT = { force: true };

export type Output = ReturnType<typeof captureOutput>;

/**
 * Records every result and every rejection a test saw, rendered the ways they could reach a log:
 * JSON (toJSON), util.inspect (what console.log and Powertools' formatError print, `cause` and every
 * enumerable field included) and the stack.
 */
export function createEvidence() {
  const rendered: string[] = [];
  const record = (value: unknown) => {
    rendered.push(JSON.stringify(value) ?? '', inspect(value, { depth: 8, showHidden: true }));
    if (value instanceof Error) rendered.push(String(value.stack));
  };
  return {
    /** Calls the handler; resolves to its result or its rejection, both recorded. */
    async invoke(
      handler: Handler,
      event: unknown,
      context?: Context,
    ): Promise<{ ok: true; result: Record<string, unknown> } | { ok: false; error: CodedError }> {
      try {
        const result = await handler(event, context);
        record(result);
        return { ok: true, result };
      } catch (error) {
        record(error);
        return { ok: false, error: error as CodedError };
      }
    },
    record,
    text: () => rendered.join('\n'),
  };
}

/** Resolves once `count` log lines with `message` were written (the capture keeps everything). */
export async function whenLogged(output: Output, message: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (output.jsonLines().filter((line) => line.message === message).length < count) {
    if (Date.now() > deadline) throw new Error(`"${message}" was not logged ${count} times within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const RETRY_MESSAGE = 'token request failed, retrying';

/** The backoff delays the refresher logged before each retry, in order. */
export function loggedRetryDelays(output: Output): number[] {
  return output
    .jsonLines()
    .filter((line) => line.message === RETRY_MESSAGE)
    .map((line) => Number(line.delayMs));
}
