import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { expect } from 'vitest';
import { createAwsJsonCall, EVENTBRIDGE } from '../../../functions/adapters/aws-json-call.js';
import { createEventBridgeRejectionSender } from '../../../functions/adapters/rejection-reports.js';
import { BALANCE_INQUIRY_PATH } from '../../../functions/consumer/example-handler.js';
import { createFaspayTokenProvider, createSignedFaspayFetch, REJECTION_REPORT_BUS_ENV } from '../../../functions/consumer/index.js';
import { parseSettings } from '../../../functions/contracts/settings.js';
import { parseTokenDocument } from '../../../functions/token/index.js';
import type { ConsumerWorld } from '../../support/consumer-world.js';
import { type RecordedCall, startRecordingProxy } from '../../support/recording-proxy.js';
import { lambdaContext, loadHandler, readParameter } from '../../support/refresher-harness.js';
import { rejectionReportEvent } from '../../support/rejection-events.js';
import { requestToken } from '../../support/request-token.js';

export interface RecordedRun {
  readonly calls: RecordedCall[];
  /** Every token the run saw, for the output scan. */
  readonly tokens: string[];
}

/**
 * The deployed code's AWS calls in one story, each role through its own recording proxy: the
 * refresher's scheduled run (lease, credentials, token write), the consumer's read and signed call,
 * its rejection report after an outside reissue revoked the token, and the refresher's run on that
 * report. Both functions run with the environment the template gives them (Faspay is the simulator).
 */
export async function recordDeployedCalls(
  world: ConsumerWorld,
  environments: { readonly refresher: Record<string, string>; readonly consumer: Record<string, string> },
): Promise<RecordedRun> {
  const calls: RecordedCall[] = [];
  const tokens: string[] = [];
  const refresherProxy = await startRecordingProxy('refresher', world.moto.endpoint, calls);
  const consumerProxy = await startRecordingProxy('consumer', world.moto.endpoint, calls);
  try {
    const refresher = await loadHandler({
      ...environments.refresher,
      ...world.moto.env,
      AWS_ENDPOINT_URL: refresherProxy.endpoint,
      FASPAY_BASE_URL: world.simulator.url,
      REJECTION_COOLDOWN_SECONDS: '0',
    });
    const storedToken = async () => {
      const stored = await readParameter(world.moto);
      if (stored !== undefined) tokens.push(parseTokenDocument(stored.value).accessToken);
    };
    expect(await refresher({}, lambdaContext())).toMatchObject({ refreshed: true });
    await storedToken();

    const settings = parseSettings(environments.consumer, ['tokenParameterName', 'credentialsSecretId']);
    const bus = environments.consumer[REJECTION_REPORT_BUS_ENV];
    if (bus === undefined) throw new Error(`the consumer has no ${REJECTION_REPORT_BUS_ENV}: grantReportRejection was not applied`);
    const clientConfig = { ...world.moto.clientConfig, endpoint: consumerProxy.endpoint };
    const parameterName = settings.tokenParameterName;
    const ssmClient = new SSMClient(clientConfig);
    const provider = createFaspayTokenProvider({
      parameterName,
      ...(settings.credentialsSecretId === undefined ? {} : { credentialsSecretId: settings.credentialsSecretId }),
      ssmClient,
      secretsManagerClient: new SecretsManagerClient(clientConfig),
    });
    // The consumer's own signed call, borrowing its SSM client's configuration, sent through its proxy.
    const events = createAwsJsonCall(EVENTBRIDGE, { signingName: 'ssm', config: ssmClient.config }, { endpoint: consumerProxy.endpoint });
    const sender = createEventBridgeRejectionSender(events, bus);
    const sendme = createSignedFaspayFetch(provider, {
      baseUrl: world.simulator.url,
      onTokenRejected: ({ parameterVersion }) => sender.send({ parameterName, parameterVersion }),
    });
    expect((await sendme('GET', BALANCE_INQUIRY_PATH)).status).toBe(200);
    tokens.push((await requestToken(world.simulator.url)).accessToken);
    expect((await sendme('GET', BALANCE_INQUIRY_PATH)).status).toBe(401);

    const report = rejectionReportEvent({ parameterName, parameterVersion: 1 });
    expect(await refresher(report, lambdaContext())).toMatchObject({ refreshed: true, reason: 'rejected' });
    await storedToken();
  } finally {
    await refresherProxy.close();
    await consumerProxy.close();
  }
  return { calls, tokens };
}
