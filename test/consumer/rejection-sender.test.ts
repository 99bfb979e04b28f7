import {
  AccessDeniedException,
  EventBridgeClient,
  InternalException,
  PutEventsCommand,
  ThrottlingException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventBridgeRejectionSender, REPORT_SEND_POLICY, type ReportSendPolicy } from '../../functions/adapters/rejection-reports.js';
import { rejectionOf } from './fixtures.js';

const DETAIL = { parameterName: '/faspay/sendme/access-token', parameterVersion: 7 };
const client = new EventBridgeClient({ region: 'ap-southeast-3' });
const eventBridge = mockClient(client);

/** What the SDK throws when it cannot read the answer (moto's HTML page for HTTP 500): the parser's error, with the status beside it. */
const unreadableAnswer = (httpStatusCode: number) =>
  Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'), { $metadata: { httpStatusCode } });
const accepted = { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] };

let pauses: number[];

function sender(policy: ReportSendPolicy = REPORT_SEND_POLICY) {
  return createEventBridgeRejectionSender(client, 'default', {
    policy,
    sleep: async (ms) => void pauses.push(ms),
    // The largest jitter, so that each pause is its ceiling.
    random: () => 0.999_999,
  });
}

beforeEach(() => {
  eventBridge.reset();
  pauses = [];
});

afterAll(() => eventBridge.restore());

describe('Function: createEventBridgeRejectionSender, retries', () => {
  it('tries an unreadable HTTP 500 again after a backoff and succeeds', async () => {
    eventBridge.on(PutEventsCommand).rejectsOnce(unreadableAnswer(500)).resolves(accepted);

    await sender().send(DETAIL);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(pauses).toEqual([REPORT_SEND_POLICY.backoff.baseDelayMs - 1]);
  });

  it('gives up after maxAttempts with an error that names the HTTP status, not the parse error', async () => {
    eventBridge.on(PutEventsCommand).rejects(unreadableAnswer(500));

    const error = await rejectionOf(sender().send(DETAIL));

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, REPORT_SEND_POLICY.maxAttempts);
    expect(error).toMatchObject({
      code: 'REJECTION_REPORT_FAILED',
      message: 'cannot send the rejection report to the event bus "default": UnknownError (HTTP 500)',
      details: { awsErrorName: 'UnknownError', httpStatus: 500, attempts: REPORT_SEND_POLICY.maxAttempts },
    });
    expect(JSON.stringify(error)).not.toContain('SyntaxError');
    // Bounded, growing pauses: base, then twice the base (both under the cap).
    expect(pauses).toEqual([249, 499]);
  });

  it.each([
    ['an AWS 5xx', () => new InternalException({ message: 'internal', $metadata: { httpStatusCode: 500 } }), 'InternalException'],
    ['throttling', () => new ThrottlingException({ message: 'slow down', $metadata: { httpStatusCode: 400 } }), 'ThrottlingException'],
    ['a network error', () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
  ])('tries %s again', async (_case, thrown, awsErrorName) => {
    eventBridge.on(PutEventsCommand).rejects(thrown());

    const error = await rejectionOf(sender().send(DETAIL));

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(error).toMatchObject({ code: 'REJECTION_REPORT_FAILED', details: expect.objectContaining({ awsErrorName, attempts: 3 }) });
  });

  it('does not try a denied report again', async () => {
    eventBridge.on(PutEventsCommand).rejects(new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 400 } }));

    const error = await rejectionOf(sender().send(DETAIL));

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(error).toMatchObject({
      message: 'cannot send the rejection report to the event bus "default": AccessDeniedException (HTTP 400)',
      details: { awsErrorName: 'AccessDeniedException', httpStatus: 400, attempts: 1 },
    });
    expect(pauses).toEqual([]);
  });

  it('counts an answer with FailedEntryCount > 0 as a failure: tried again when the entry failed inside AWS, not when it was refused', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] })
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }] });

    const error = await rejectionOf(sender().send(DETAIL));

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(error).toMatchObject({
      message: 'the event bus "default" refused the rejection report: AccessDeniedException',
      details: { awsErrorName: 'AccessDeniedException', attempts: 2 },
    });
  });

  it('abandons a report whose call hangs past the deadline, without calling again (the call may only be slow)', async () => {
    eventBridge.on(PutEventsCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();

    const error = await rejectionOf(sender({ ...REPORT_SEND_POLICY, deadlineMs: 50 }).send(DETAIL));

    expect(Date.now() - started).toBeLessThan(1000);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(error).toMatchObject({ code: 'REJECTION_REPORT_FAILED', details: { awsErrorName: 'TimeoutError', attempts: 1 } });
  });

  it('makes no further call once the deadline has passed during a pause, and names the last failure', async () => {
    eventBridge.on(PutEventsCommand).rejects(unreadableAnswer(503));
    const slowPauses = createEventBridgeRejectionSender(client, 'default', {
      policy: { ...REPORT_SEND_POLICY, deadlineMs: 30 },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 60)),
    });

    const error = await rejectionOf(slowPauses.send(DETAIL));

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(error).toMatchObject({ details: { awsErrorName: 'UnknownError', httpStatus: 503, attempts: 1 } });
  });
});
