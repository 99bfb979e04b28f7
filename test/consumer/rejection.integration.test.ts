import { DeleteRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsJsonCall, EVENTBRIDGE } from '../../functions/adapters/aws-json-call.js';
import { createEventBridgeRejectionSender, REPORT_SEND_POLICY } from '../../functions/adapters/rejection-reports.js';
import {
  DEFAULT_REPORT_COOLDOWN_SECONDS,
  type FaspayTokenProvider,
  MIN_REREAD_AFTER_UNAUTHORIZED_MS,
  REJECTION_REPORT_BUS_ENV,
  type SignedFaspayFetch,
} from '../../functions/consumer/index.js';
import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE } from '../../functions/contracts/rejection-report.js';
import { parseTokenDocument } from '../../functions/token/index.js';
import type { RunningSimulator, SimulatorRequestEvent } from '../../simulator/index.js';
import {
  type ConsumerWorld,
  expectNothingLeaked,
  resetConsumerWorld,
  startConsumerWorld,
  stopConsumerWorld,
} from '../support/consumer-world.js';
import type { MotoServer } from '../support/moto.js';
import type { captureOutput } from '../support/output-capture.js';
import {
  type Handler,
  handlerEnv,
  lambdaContext,
  loadHandler,
  PARAMETER_NAME,
  readParameter,
  rejectionOf,
  SECRET_NAME,
} from '../support/refresher-harness.js';
import { requestToken } from '../support/request-token.js';

/**
 * Issue 11's healing end to end, against moto and the simulator in revoke-on-issue mode: an outside
 * reissue revokes the stored token; the consumer's default hook sends its report with PutEvents to
 * moto's default bus; a rule like the construct's (same source, detail-type and parameter) puts the
 * event EventBridge builds on an SQS queue; the test hands that envelope to the real refresher
 * handler, as the rule's Lambda target would (moto cannot run Lambda code).
 */

const BALANCE = '/account/api/balance_inquiry';

let moto: MotoServer;
let simulator: RunningSimulator;
let refresher: Handler;
let output: ReturnType<typeof captureOutput>;
let queueUrl: string;
let events: SimulatorRequestEvent[];
let world: ConsumerWorld;
const tokens: string[] = [];

/** SQS through its JSON protocol (the project has no SQS client; moto does not check signatures). */
async function sqs<T>(action: string, body: Record<string, unknown>): Promise<T> {
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `AmazonSQS.${action}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${moto.clientConfig.region}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`SQS ${action} answered HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The rejection reports EventBridge delivered to the rule's target, as the envelopes the refresher receives. */
async function deliveredReports(): Promise<Record<string, unknown>[]> {
  const answer = await sqs<{ Messages?: { Body: string; ReceiptHandle: string }[] }>('ReceiveMessage', {
    QueueUrl: queueUrl,
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 0,
  });
  const messages = answer.Messages ?? [];
  for (const message of messages) await sqs('DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle });
  return messages.map((message) => JSON.parse(message.Body) as Record<string, unknown>);
}

/**
 * Waits until at least `count` reports have been delivered, and returns all of them: the refused call
 * hands its answer back after at most REPORT_WAIT_MS, and on a busy machine the report may still be
 * on its way then.
 */
async function reportsDelivered(count: number): Promise<Record<string, unknown>[]> {
  const reports: Record<string, unknown>[] = [];
  await vi.waitFor(
    async () => {
      reports.push(...(await deliveredReports()));
      expect(reports.length).toBeGreaterThanOrEqual(count);
    },
    { timeout: 20_000, interval: 100 },
  );
  return reports;
}

/** The construct's rule (source, detail-type, this parameter), with an SQS queue where its Lambda target would be. */
async function createReportRule(): Promise<void> {
  queueUrl = (await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: 'rejection-reports' })).QueueUrl;
  const { Attributes } = await sqs<{ Attributes: { QueueArn: string } }>('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['QueueArn'],
  });
  const eventBridge = new EventBridgeClient(moto.clientConfig);
  const pattern = {
    source: [REJECTION_REPORT_SOURCE],
    'detail-type': [REJECTION_REPORT_DETAIL_TYPE],
    detail: { parameterName: [PARAMETER_NAME] },
  };
  await eventBridge.send(new PutRuleCommand({ Name: 'rejection-reports', EventPattern: JSON.stringify(pattern) }));
  await eventBridge.send(new PutTargetsCommand({ Rule: 'rejection-reports', Targets: [{ Id: 'refresher', Arn: Attributes.QueueArn }] }));
}

async function invokeRefresher(event: unknown): Promise<Record<string, unknown>> {
  const summary = await refresher(event, lambdaContext());
  tokens.push(parseTokenDocument((await readParameter(moto))!.value).accessToken);
  return summary;
}

/** Someone else requests a token with the same credentials; in revoke-on-issue mode that revokes the stored one. */
async function outsideReissue(): Promise<void> {
  const grant = await requestToken(simulator.url);
  tokens.push(grant.accessToken);
}

const tokenRequests = () => events.filter((event) => event.outcome === 'token-issued').length;
const serviceCalls = () => events.filter((event) => event.path === BALANCE).map((event) => event.status);

beforeAll(async () => {
  world = await startConsumerWorld({ revokeOnIssue: true });
  ({ moto, simulator, events } = world);
});

afterAll(() => stopConsumerWorld(world));

beforeEach(async () => {
  output = await resetConsumerWorld(world);
  await createReportRule();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  expectNothingLeaked(output, tokens);
});

describe('rejected token: consumer report → EventBridge (moto) → refresher → SSM (moto) → consumer', () => {
  let skippedMs: number;
  let provider: FaspayTokenProvider;
  let sendme: SignedFaspayFetch;

  async function setup(extraEnv: Record<string, string> = {}) {
    refresher = await loadHandler(handlerEnv(moto, simulator.url, extraEnv));
    vi.stubEnv(REJECTION_REPORT_BUS_ENV, 'default');
    // From the module registry loadHandler has just reset, like the adapter the first report loads: one CodedError class for both.
    const { createFaspayTokenProvider, createSignedFaspayFetch } = await import('../../functions/consumer/index.js');
    skippedMs = 0;
    // Default clients, found through AWS_ENDPOINT_URL as a deployed consumer finds AWS; a clock that can skip the re-read interval.
    provider = createFaspayTokenProvider({
      parameterName: PARAMETER_NAME,
      credentialsSecretId: SECRET_NAME,
      clock: () => new Date(Date.now() + skippedMs),
    });
    sendme = createSignedFaspayFetch(provider, { baseUrl: simulator.url });
  }

  it('replaces a revoked token after one report; further reports cost nothing; the consumer is served again', async () => {
    // Prepare: version 1 stored and used; then someone else gets a token, which revokes version 1
    await setup({ REJECTION_COOLDOWN_SECONDS: '0' });
    await invokeRefresher({});
    expect((await sendme('GET', BALANCE)).status).toBe(200);
    await outsideReissue();
    const requestsBefore = tokenRequests();

    // Act 1: the consumer is refused (after its one re-read-and-retry), twice
    const refused = [await sendme('GET', BALANCE), await sendme('GET', BALANCE)];

    // Assess 1: two refused calls of two attempts each (the second call re-read nothing: rate-limited), one report
    expect(refused.map((response) => response.status)).toEqual([401, 401]);
    expect(serviceCalls()).toEqual([200, 401, 401, 401, 401]);
    const reports = await reportsDelivered(1);
    expect(reports).toEqual([
      expect.objectContaining({
        source: REJECTION_REPORT_SOURCE,
        'detail-type': REJECTION_REPORT_DETAIL_TYPE,
        detail: { parameterName: PARAMETER_NAME, parameterVersion: 1 },
      }),
    ]);

    // Act 2: the rule's target gets the envelope, then a duplicate of it (another container's report)
    const healed = await invokeRefresher(reports[0]);
    const repeated = await invokeRefresher(reports[0]);

    // Assess 2: one token bought, the repeat cost nothing
    expect(healed).toMatchObject({ refreshed: true, reason: 'rejected', parameterVersion: 2 });
    expect(repeated).toMatchObject({ refreshed: false, reason: 'report-outdated', parameterVersion: 2 });
    expect(tokenRequests() - requestsBefore).toBe(1);

    // Act 3: once the re-read interval has passed, the consumer's next call re-reads and is accepted
    skippedMs += MIN_REREAD_AFTER_UNAUTHORIZED_MS;
    const served = await sendme('GET', BALANCE);

    // Assess 3
    expect(served.status).toBe(200);
    expect((await provider.getToken()).parameterVersion).toBe(2);
    expect(await deliveredReports()).toEqual([]);
  });

  it('buys nothing for a report about a token younger than the cooldown, and remembers it (the token stored again)', async () => {
    await setup();
    await invokeRefresher({});
    await sendme('GET', BALANCE);
    await outsideReissue();
    await sendme('GET', BALANCE);
    const [report] = await reportsDelivered(1);
    const requestsBefore = tokenRequests();

    const summary = await invokeRefresher(report);

    expect(summary).toMatchObject({ refreshed: false, reason: 'cooldown', parameterVersion: 2 });
    expect(tokenRequests()).toBe(requestsBefore);
  });

  describe('a report the refresher could not act on is sent again after the cooldown', () => {
    /** Moves every clock of the story (consumer, refresher, simulator) forward: they all read Date. */
    const skip = (ms: number) => vi.setSystemTime(Date.now() + ms);
    const cooldownMs = DEFAULT_REPORT_COOLDOWN_SECONDS * 1000;

    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    });

    it('repeats a report answered "cooldown" while the token is refused, the repeat heals it, and nothing is reported while it is accepted', async () => {
      // Prepare: both sides on the default cooldown; version 1 stored and used, then revoked by an outside reissue 2 s later
      await setup();
      await invokeRefresher({});
      expect((await sendme('GET', BALANCE)).status).toBe(200);
      skip(2000);
      await outsideReissue();

      // Act 1: the consumer is refused and reports; the refresher's cooldown holds the report back
      expect((await sendme('GET', BALANCE)).status).toBe(401);
      const [first, ...none] = await reportsDelivered(1);
      expect(none).toEqual([]);
      const heldBack = await invokeRefresher(first);

      // Act 2: a busy consumer (a call every 5 s) stays refused through the cooldown; it re-reads the
      // token, which the refresher stored again to remember the report (version 2, due when the cooldown
      // ends), and reports that version once: to the consumer it is a new version
      const withinCooldown: number[] = [];
      for (let elapsed = 5000; elapsed < cooldownMs; elapsed += 5000) {
        skip(5000);
        withinCooldown.push((await sendme('GET', BALANCE)).status);
      }
      const [restored, ...noOther] = await reportsDelivered(1);
      const remembered = await invokeRefresher(restored);

      // Act 3: still refused: once a cooldown has passed since its last report, the consumer reports that version again
      const afterCooldown: number[] = [];
      for (let elapsed = 0; elapsed < cooldownMs; elapsed += 5000) {
        skip(5000);
        afterCooldown.push((await sendme('GET', BALANCE)).status);
      }
      const [second, ...noMore] = await reportsDelivered(1);
      const healed = await invokeRefresher(second);

      // Assess 1-3: held back and remembered once, repeated once per cooldown, and the repeat bought the replacement
      expect(heldBack).toMatchObject({ refreshed: false, reason: 'cooldown', parameterVersion: 2 });
      expect(new Set(withinCooldown)).toEqual(new Set([401]));
      expect(restored).toMatchObject({ detail: { parameterName: PARAMETER_NAME, parameterVersion: 2 } });
      expect(noOther).toEqual([]);
      expect(remembered).toMatchObject({ refreshed: false, reason: 'cooldown', parameterVersion: 2 });
      expect(new Set(afterCooldown)).toEqual(new Set([401]));
      expect(second).toMatchObject({ detail: { parameterName: PARAMETER_NAME, parameterVersion: 2 } });
      expect(noMore).toEqual([]);
      expect(healed).toMatchObject({ refreshed: true, reason: 'rejected', parameterVersion: 3 });

      // Act 4: the consumer picks the replacement up and calls on for five cooldowns
      skip(MIN_REREAD_AFTER_UNAUTHORIZED_MS);
      const served: number[] = [];
      for (let elapsed = 0; elapsed <= 5 * cooldownMs; elapsed += 15_000) {
        served.push((await sendme('GET', BALANCE)).status);
        skip(15_000);
      }

      // Assess 4: accepted throughout, and no report
      expect(new Set(served)).toEqual(new Set([200]));
      expect(await deliveredReports()).toEqual([]);
    });

    /** A matching rule with a Lambda target: moto then answers PutEvents with HTTP 500 (an HTML page), as in issue 15. */
    async function addLambdaTargetRule(eventBridge: EventBridgeClient): Promise<void> {
      const lambdaArn = `arn:aws:lambda:${moto.clientConfig.region}:123456789012:function:refresher`;
      await eventBridge.send(
        new PutRuleCommand({ Name: 'lambda-target', EventPattern: JSON.stringify({ source: [REJECTION_REPORT_SOURCE] }) }),
      );
      await eventBridge.send(new PutTargetsCommand({ Rule: 'lambda-target', Targets: [{ Id: 'refresher', Arn: lambdaArn }] }));
    }

    it("names moto's HTTP 500 by its status, not as the SDK's SyntaxError, after the sender's three calls", async () => {
      const eventBridge = new EventBridgeClient({ ...moto.clientConfig, maxAttempts: 1 });
      await addLambdaTargetRule(eventBridge);
      // The deployed policy, with a deadline no loaded test machine reaches: this test is about what the 500 is called.
      const signedWithSsm = { signingName: 'ssm', config: new SSMClient(moto.clientConfig).config };
      const sender = createEventBridgeRejectionSender(
        createAwsJsonCall(EVENTBRIDGE, signedWithSsm, { endpoint: moto.endpoint }),
        'default',
        {
          policy: { ...REPORT_SEND_POLICY, deadlineMs: 60_000 },
        },
      );

      const error = await rejectionOf(sender.send({ parameterName: PARAMETER_NAME, parameterVersion: 1 }));

      expect(error).toMatchObject({
        code: 'REJECTION_REPORT_FAILED',
        message: 'cannot send the rejection report to the event bus "default": UnknownError (HTTP 500)',
        details: { awsErrorName: 'UnknownError', httpStatus: 500, attempts: 3 },
      });
      expect(JSON.stringify(error)).not.toContain('SyntaxError');
    });

    it('logs a report that fails to send after its retries, and sends it again after the cooldown', async () => {
      // Prepare: the bus answers HTTP 500 (a Lambda target in moto)
      await setup({ REJECTION_COOLDOWN_SECONDS: '0' });
      const eventBridge = new EventBridgeClient(moto.clientConfig);
      await addLambdaTargetRule(eventBridge);
      await invokeRefresher({});
      await outsideReissue();
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

      // Act 1: the refused call; its report fails
      const refused = await sendme('GET', BALANCE);
      await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1), { timeout: 20_000, interval: 50 });

      // Assess 1: one WARN line after three calls, with the code and no parse error
      expect(refused.status).toBe(401);
      const line = String(warn.mock.calls[0]![0]);
      expect(JSON.parse(line)).toMatchObject({
        level: 'WARN',
        parameterName: PARAMETER_NAME,
        parameterVersion: 1,
        errorCode: 'REJECTION_REPORT_FAILED',
        attempts: 3,
      });
      expect(line).not.toContain('SyntaxError');
      // moto delivers to the queue rule's target before it fails on the Lambda target: one copy per PutEvents request,
      // so three requests in all (the sender's three calls, none multiplied by the SDK's own retries).
      expect(await reportsDelivered(3)).toHaveLength(3);

      // Act 2: the bus is fixed; within the cooldown nothing is sent, after it the report goes through
      await eventBridge.send(new RemoveTargetsCommand({ Rule: 'lambda-target', Ids: ['refresher'] }));
      await eventBridge.send(new DeleteRuleCommand({ Name: 'lambda-target' }));
      skip(MIN_REREAD_AFTER_UNAUTHORIZED_MS);
      await sendme('GET', BALANCE);
      const withinCooldown = await deliveredReports();
      skip(cooldownMs);
      await sendme('GET', BALANCE);
      const [resent, ...none] = await reportsDelivered(1);

      // Assess 2: the report that failed is not lost, and the refresher replaces the token with it
      expect(withinCooldown).toEqual([]);
      expect(none).toEqual([]);
      expect(resent).toMatchObject({ detail: { parameterName: PARAMETER_NAME, parameterVersion: 1 } });
      expect(await invokeRefresher(resent)).toMatchObject({ refreshed: true, reason: 'rejected', parameterVersion: 2 });
      expect(warn).toHaveBeenCalledTimes(1);
    });
  });
});
