import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { borrowSecretsManager, borrowSsm } from '../adapters/aws-json-call.js';
import { createFaspayTokenIssuer } from '../adapters/faspay-token-issuer.js';
import { createSsmRefreshLease } from '../adapters/parameter-lease.js';
import { createSsmTokenStore, SSM_ADVANCED_VALUE_LIMIT_BYTES, SSM_STANDARD_VALUE_LIMIT_BYTES } from '../adapters/parameter-store.js';
import { type CredentialsSource, createSecretsManagerCredentialsSource } from '../adapters/secrets.js';
import { leaseParameterName, type RefresherConfig } from '../contracts/settings.js';
import type { RefreshLease } from '../refresher/ports.js';
import { createRefresher, type Refresher, type RefreshObserver, type RetryNotice } from '../refresher/refresh.js';
import type { TokenStore } from '../token/index.js';

/**
 * What a caller may put in place of the deployed parts. Every field defaults to what the Lambda
 * runs with; the local CLI, the soak run, the benchmarks and tests replace only what they must.
 */
export interface RefresherOverrides {
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** @default - real timers */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** @default - one `new SSMClient({})` (endpoint and region from the SDK's own configuration) */
  readonly ssm?: SSMClient;
  /**
   * Whose configuration (region, credentials, endpoint) GetSecretValue is signed and sent with.
   * @default - the SSM client's (functions/adapters/aws-json-call.ts)
   */
  readonly secretsManager?: SecretsManagerClient;
  /** @default - the SSM SecureString `config.tokenParameterName` */
  readonly store?: TokenStore;
  /** @default - the SSM lease beside the token parameter */
  readonly lease?: RefreshLease;
  /** @default - the Secrets Manager secret `config.credentialsSecretId`, read once per run */
  readonly credentials?: CredentialsSource;
  /** HTTP to Faspay. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  readonly observer?: RefreshObserver;
  readonly onRetry?: (notice: RetryNotice) => void;
}

export interface ComposedRefresher {
  readonly refresher: Refresher;
  /** The store the refresher writes (for callers that also read it: the local CLI, the soak run). */
  readonly store: TokenStore;
}

/**
 * The one composition root: the use case over the adapters, configured by the function's settings.
 * The Lambda calls it once per container (functions/lambda/container.ts); `npm start`, the soak run
 * and the benchmarks call it with overrides, so none of them re-derives a setting or drops one.
 * SDK clients are created only for the parts that are not overridden.
 */
export function composeRefresher(config: RefresherConfig, overrides: RefresherOverrides = {}): ComposedRefresher {
  let ssm = overrides.ssm;
  const ssmClient = () => {
    ssm ??= new SSMClient({});
    return ssm;
  };
  const store =
    overrides.store ??
    createSsmTokenStore(ssmClient(), {
      parameterName: config.tokenParameterName,
      ...(config.kmsKeyId === undefined ? {} : { kmsKeyId: config.kmsKeyId }),
      tier: config.advancedTier ? 'Intelligent-Tiering' : 'Standard',
    });
  const lease = overrides.lease ?? createSsmRefreshLease(ssmClient(), leaseParameterName(config.tokenParameterName));
  const credentials =
    overrides.credentials ??
    createSecretsManagerCredentialsSource(
      overrides.secretsManager === undefined ? borrowSsm(ssmClient()) : borrowSecretsManager(overrides.secretsManager),
      config.credentialsSecretId,
    );
  const issuer = createFaspayTokenIssuer({
    credentials,
    baseUrl: config.faspayBaseUrl,
    signedPath: config.signedPath,
    timeZone: config.timeZone,
    ...(config.rejectionCheckPath === false ? {} : { checkPath: config.rejectionCheckPath }),
    ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
  });
  const refresher = createRefresher({
    store,
    issuer,
    lease,
    maxValueBytes: config.advancedTier ? SSM_ADVANCED_VALUE_LIMIT_BYTES : SSM_STANDARD_VALUE_LIMIT_BYTES,
    clock: overrides.clock ?? (() => new Date()),
    policy: config,
    ...(overrides.sleep === undefined ? {} : { sleep: overrides.sleep }),
    ...(overrides.random === undefined ? {} : { random: overrides.random }),
    ...(overrides.observer === undefined ? {} : { observer: overrides.observer }),
    ...(overrides.onRetry === undefined ? {} : { onRetry: overrides.onRetry }),
  });
  return { refresher, store };
}
