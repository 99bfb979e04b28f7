import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createFaspayTokenClient } from '../adapters/faspay-http.js';
import { createSsmRefreshLease } from '../adapters/parameter-lease.js';
import { createSsmTokenStore, SSM_ADVANCED_VALUE_LIMIT_BYTES, SSM_STANDARD_VALUE_LIMIT_BYTES } from '../adapters/parameter-store.js';
import { createSecretsManagerCredentialsSource } from '../adapters/secrets.js';
import { parseRefresherConfig, type RefresherConfig } from './config.js';
import { leaseParameterName } from './lease.js';
import { createLogger, createMetrics, reportRetry } from './observability.js';
import { createRefresher, type Refresher } from './refresh.js';
import type { Logger, Metrics } from './telemetry.js';

export interface Container {
  readonly config: RefresherConfig;
  readonly refresher: Refresher;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The composition root: SDK clients, adapters and the use case, built once per Lambda container.
 * The clients take their endpoint from the SDK's own configuration, so AWS_ENDPOINT_URL (an
 * emulator) keeps working.
 */
export function createContainer(env: Readonly<Record<string, string | undefined>>, logger: Logger = createLogger()): Container {
  const config = parseRefresherConfig(env);
  const ssm = new SSMClient({});
  const store = createSsmTokenStore(ssm, {
    parameterName: config.tokenParameterName,
    ...(config.kmsKeyId === undefined ? {} : { kmsKeyId: config.kmsKeyId }),
    tier: config.advancedTier ? 'Intelligent-Tiering' : 'Standard',
  });
  const refresher = createRefresher({
    credentials: createSecretsManagerCredentialsSource(new SecretsManagerClient({}), config.credentialsSecretId),
    store,
    lease: createSsmRefreshLease(ssm, leaseParameterName(config.tokenParameterName)),
    maxValueBytes: config.advancedTier ? SSM_ADVANCED_VALUE_LIMIT_BYTES : SSM_STANDARD_VALUE_LIMIT_BYTES,
    faspay: createFaspayTokenClient({ baseUrl: config.faspayBaseUrl, signedPath: config.signedPath, timeZone: config.timeZone }),
    clock: () => new Date(),
    policy: config,
    onRetry: (notice) => reportRetry(logger, notice),
  });
  return { config, refresher, logger, metrics: createMetrics(config.tokenParameterName) };
}
