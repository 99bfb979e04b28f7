import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE, type RejectionReportDetail } from '../contracts/rejection-report.js';
import { type BackoffPolicy, backoffDelayMs } from '../shared/retry.js';
import type { AwsJsonCall } from './aws-json-call.js';
import { AwsAdapterError, awsCallFailed, NETWORK_ERROR_CODES } from './errors.js';

/** Sends rejection reports to the refresher. */
export interface RejectionReportSender {
  send(detail: RejectionReportDetail): Promise<void>;
}

/** How hard one report is tried before it is given up (the consumer re-reports after its cooldown). */
export interface ReportSendPolicy {
  /** PutEvents calls per report, the first included. */
  readonly maxAttempts: number;
  /**
   * The whole report is abandoned this long after it started (the default client sets no timeout of
   * its own). A call still unanswered then is not made again: it may only be slow, and a second
   * call would send the report twice.
   */
  readonly deadlineMs: number;
  readonly backoff: BackoffPolicy;
}

/** At most 3 calls within 10 s (plus at most one pause of up to 1 s): a report never lingers in the background for long. */
export const REPORT_SEND_POLICY: ReportSendPolicy = {
  maxAttempts: 3,
  deadlineMs: 10_000,
  backoff: { baseDelayMs: 250, maxDelayMs: 1000 },
};

export interface RejectionSenderOptions {
  /** @default REPORT_SEND_POLICY */
  readonly policy?: ReportSendPolicy;
  /** @default a timer that does not keep the process alive */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** What PutEvents answers (HTTP 200), as far as the sender reads it. */
interface PutEventsAnswer {
  readonly FailedEntryCount?: number;
  readonly Entries?: readonly { readonly ErrorCode?: unknown }[];
}

/**
 * One `PutEvents` entry per report on `eventBusName`, with the source and detail-type the
 * refresher's rule (and the consumer's `events:PutEvents` grant) is limited to. PutEvents answers
 * HTTP 200 even when it drops an entry, so a failed entry is a failure here too. A failure worth
 * another try (a 5xx or 429, throttling, a network error, an entry failed with `InternalFailure`)
 * is tried again after a jittered backoff, up to `policy.maxAttempts` calls within
 * `policy.deadlineMs`; the error finally thrown names the HTTP status and the number of calls.
 */
export function createEventBridgeRejectionSender(
  events: AwsJsonCall,
  eventBusName: string,
  options: RejectionSenderOptions = {},
): RejectionReportSender {
  const policy = options.policy ?? REPORT_SEND_POLICY;
  const sleep = options.sleep ?? unrefSleep;
  const random = options.random ?? Math.random;

  async function putOnce(detail: RejectionReportDetail, attempts: number, deadline: Deadline): Promise<AwsAdapterError | undefined> {
    let answer: PutEventsAnswer;
    try {
      const entry = { EventBusName: eventBusName, Source: REJECTION_REPORT_SOURCE, DetailType: REJECTION_REPORT_DETAIL_TYPE };
      const sending = events('PutEvents', { Entries: [{ ...entry, Detail: JSON.stringify(detail) }] }, deadline.signal);
      answer = (await Promise.race([sending, deadline.passed])) as PutEventsAnswer;
    } catch (error) {
      const message = `cannot send the rejection report to the event bus "${eventBusName}"`;
      if (deadline.signal.aborted) return new AwsAdapterError('REJECTION_REPORT_FAILED', message, 'TimeoutError', { attempts });
      return awsCallFailed('REJECTION_REPORT_FAILED', message, error, attempts);
    }
    if ((answer.FailedEntryCount ?? 0) === 0) return undefined;
    const code = answer.Entries?.[0]?.ErrorCode;
    const name = typeof code === 'string' && /^[A-Za-z.]{1,80}$/.test(code) ? code : 'FailedEntry';
    return new AwsAdapterError('REJECTION_REPORT_FAILED', `the event bus "${eventBusName}" refused the rejection report`, name, {
      attempts,
    });
  }

  return {
    async send(detail) {
      const deadline = startDeadline(policy.deadlineMs);
      for (let attempt = 1; ; attempt++) {
        const failure = await putOnce(detail, attempt, deadline);
        if (failure === undefined) return;
        const retryable = failure.retryable || NETWORK_ERROR_CODES.has(failure.awsErrorName);
        if (!retryable || attempt >= policy.maxAttempts || deadline.signal.aborted) throw failure;
        await sleep(backoffDelayMs(attempt, policy.backoff, random));
        if (deadline.signal.aborted) throw failure;
      }
    },
  };
}

interface Deadline {
  /** Ends the HTTP request in flight. */
  readonly signal: AbortSignal;
  /** Rejects at the deadline: also ends a wait before the request (credentials, say). */
  readonly passed: Promise<never>;
}

function startDeadline(ms: number): Deadline {
  const signal = AbortSignal.timeout(ms);
  const passed = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  // Handled whether or not a call is still waiting when the deadline passes.
  passed.catch(() => undefined);
  return { signal, passed };
}

function unrefSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
