import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsJsonCall, EVENTBRIDGE } from '../../functions/adapters/aws-json-call.js';
import { createEventBridgeRejectionSender, REPORT_SEND_POLICY, type ReportSendPolicy } from '../../functions/adapters/rejection-reports.js';
import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE } from '../../functions/contracts/rejection-report.js';
import { freePort } from '../support/free-port.js';
import { json, type ScriptedAws, startScriptedAws } from '../support/scripted-aws.js';
import { rejectionOf } from './fixtures.js';

/** The sender over the real signed call, against an endpoint on loopback that answers from a script. */

const DETAIL = { parameterName: '/faspay/sendme/access-token', parameterVersion: 7 };
const ssm = new SSMClient({ region: 'ap-southeast-3', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const accepted = json(200, { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
const htmlPage = (status: number) => ({ status, body: '<!doctype html><title>Internal Server Error</title>' });
const awsError = (status: number, type: string) => json(status, { __type: type, message: 'not for logs' });

let aws: ScriptedAws;
let pauses: number[];

function sender(policy: ReportSendPolicy = REPORT_SEND_POLICY, endpoint = aws.url) {
  return createEventBridgeRejectionSender(
    createAwsJsonCall(EVENTBRIDGE, { signingName: 'ssm', config: ssm.config }, { endpoint }),
    'default',
    {
      policy,
      sleep: async (ms) => void pauses.push(ms),
      // The largest jitter, so that each pause is its ceiling.
      random: () => 0.999_999,
    },
  );
}

beforeAll(async () => {
  aws = await startScriptedAws();
});
afterAll(() => aws.close());
beforeEach(() => {
  aws.received.length = 0;
  pauses = [];
});

describe('Function: createEventBridgeRejectionSender, retries', () => {
  it('sends one entry with the source and detail-type the rule and the grant are limited to', async () => {
    aws.script(accepted);

    await sender().send(DETAIL);

    expect(aws.received).toHaveLength(1);
    expect(JSON.parse(aws.received[0]!.body)).toEqual({
      Entries: [
        {
          EventBusName: 'default',
          Source: REJECTION_REPORT_SOURCE,
          DetailType: REJECTION_REPORT_DETAIL_TYPE,
          Detail: JSON.stringify(DETAIL),
        },
      ],
    });
  });

  it('tries an unreadable HTTP 500 again after a backoff and succeeds', async () => {
    aws.script(htmlPage(500), accepted);

    await sender().send(DETAIL);

    expect(aws.received).toHaveLength(2);
    expect(pauses).toEqual([REPORT_SEND_POLICY.backoff.baseDelayMs - 1]);
  });

  it('gives up after maxAttempts with an error that names the HTTP status, not a parse error', async () => {
    aws.script(htmlPage(500));

    const error = await rejectionOf(sender().send(DETAIL));

    expect(aws.received).toHaveLength(REPORT_SEND_POLICY.maxAttempts);
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
    ['an AWS 5xx', awsError(500, 'InternalException'), 'InternalException'],
    ['throttling', awsError(400, 'ThrottlingException'), 'ThrottlingException'],
  ])('tries %s again', async (_case, answer, awsErrorName) => {
    aws.script(answer);

    const error = await rejectionOf(sender().send(DETAIL));

    expect(aws.received).toHaveLength(3);
    expect(error).toMatchObject({ code: 'REJECTION_REPORT_FAILED', details: expect.objectContaining({ awsErrorName, attempts: 3 }) });
    expect(JSON.stringify(error)).not.toContain('not for logs');
  });

  it('tries a network error again', async () => {
    const error = await rejectionOf(sender(REPORT_SEND_POLICY, `http://127.0.0.1:${await freePort()}`).send(DETAIL));

    expect(error).toMatchObject({
      code: 'REJECTION_REPORT_FAILED',
      details: expect.objectContaining({ awsErrorName: 'ECONNREFUSED', attempts: 3 }),
    });
  });

  it('does not try a denied report again', async () => {
    aws.script(awsError(400, 'AccessDeniedException'));

    const error = await rejectionOf(sender().send(DETAIL));

    expect(aws.received).toHaveLength(1);
    expect(error).toMatchObject({
      message: 'cannot send the rejection report to the event bus "default": AccessDeniedException (HTTP 400)',
      details: { awsErrorName: 'AccessDeniedException', httpStatus: 400, attempts: 1 },
    });
    expect(pauses).toEqual([]);
  });

  it('counts an answer with FailedEntryCount > 0 as a failure: tried again when the entry failed inside AWS, not when it was refused', async () => {
    aws.script(
      json(200, { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] }),
      json(200, { FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }] }),
    );

    const error = await rejectionOf(sender().send(DETAIL));

    expect(aws.received).toHaveLength(2);
    expect(error).toMatchObject({
      message: 'the event bus "default" refused the rejection report: AccessDeniedException',
      details: { awsErrorName: 'AccessDeniedException', attempts: 2 },
    });
  });

  it('abandons a report whose call hangs past the deadline, without calling again (the call may only be slow)', async () => {
    aws.script({ hang: true });
    const started = Date.now();

    const error = await rejectionOf(sender({ ...REPORT_SEND_POLICY, deadlineMs: 50 }).send(DETAIL));

    expect(Date.now() - started).toBeLessThan(1000);
    expect(aws.received).toHaveLength(1);
    expect(error).toMatchObject({ code: 'REJECTION_REPORT_FAILED', details: { awsErrorName: 'TimeoutError', attempts: 1 } });
  });

  it('makes no further call once the deadline has passed during a pause, and names the last failure', async () => {
    aws.script(htmlPage(503));
    const slowPauses = createEventBridgeRejectionSender(
      createAwsJsonCall(EVENTBRIDGE, { signingName: 'ssm', config: ssm.config }, { endpoint: aws.url }),
      'default',
      { policy: { ...REPORT_SEND_POLICY, deadlineMs: 30 }, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 60)) },
    );

    const error = await rejectionOf(slowPauses.send(DETAIL));

    expect(aws.received).toHaveLength(1);
    expect(error).toMatchObject({ details: { awsErrorName: 'UnknownError', httpStatus: 503, attempts: 1 } });
  });
});
