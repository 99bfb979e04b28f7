import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createFaspayTokenProvider,
  createSignedFaspayFetch,
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

afterEach(() => expectNothingLeaked(output, tokens));

describe('rejected token: consumer report → EventBridge (moto) → refresher → SSM (moto) → consumer', () => {
  let skippedMs: number;
  let provider: FaspayTokenProvider;
  let sendme: SignedFaspayFetch;

  async function setup(extraEnv: Record<string, string> = {}) {
    refresher = await loadHandler(handlerEnv(moto, simulator.url, extraEnv));
    vi.stubEnv(REJECTION_REPORT_BUS_ENV, 'default');
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
    const reports = await deliveredReports();
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
    const [report] = await deliveredReports();
    const requestsBefore = tokenRequests();

    const summary = await invokeRefresher(report);

    expect(summary).toMatchObject({ refreshed: false, reason: 'cooldown', parameterVersion: 2 });
    expect(tokenRequests()).toBe(requestsBefore);
  });
});
