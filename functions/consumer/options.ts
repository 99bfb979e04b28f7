import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { assertTimeZone, DEFAULT_FASPAY_TIME_ZONE, type FaspayCredentials } from '../faspay/index.js';
import { ConfigError } from '../shared/config-error.js';
import type { TokenDocument, TokenSource } from '../token/index.js';
import { DEFAULT_MAX_JITTER_SECONDS } from './cache-policy.js';

/**
 * Where the token document is read from when it is not SSM: the read half of the token store port
 * (functions/token/store.ts) the refresher writes through, so the parameter-store adapter (or any
 * TokenStore) fits as it is.
 */
export type { TokenSource } from '../token/index.js';

export interface FaspayTokenProviderOptions {
  /** The SSM parameter the refresher writes (its `TOKEN_PARAMETER_NAME`), e.g. `/faspay/sendme/access-token`. */
  readonly parameterName: string;
  /**
   * Name or ARN of the Secrets Manager secret holding the Faspay credentials. Needed by `headersFor()`
   * (and the signed fetch), because SendMe service calls are signed with the credentials and the token.
   * @default - no credentials: `getToken()` works, `headersFor()` rejects with CONFIG_INVALID
   */
  readonly credentialsSecretId?: string;
  /** @default - one `new SSMClient({})` shared by the providers of the container */
  readonly ssmClient?: SSMClient;
  /** Only with `credentialsSecretId`. @default - one `new SecretsManagerClient({})` per container, loaded on first use */
  readonly secretsManagerClient?: SecretsManagerClient;
  /** Replaces SSM (local runs, tests); exclusive with `ssmClient`. @default - the SSM parameter `parameterName` */
  readonly tokenSource?: TokenSource;
  /** Replaces Secrets Manager (local runs, tests); exclusive with `credentialsSecretId`. @default - read from `credentialsSecretId` */
  readonly credentials?: FaspayCredentials | (() => Promise<FaspayCredentials>);
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Source of the cache jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Zone of the `faspay-timestamp` header. @default 'Asia/Jakarta' */
  readonly timeZone?: string;
  /**
   * Largest random delay, after the document's `refreshAt`, before the cached token is looked up
   * again; it spreads a fleet's reads and never extends the cache past `expiresAt`.
   * @default 30
   */
  readonly maxJitterSeconds?: number;
}

/**
 * The current access token and its schedule: the stored document (functions/token/token-document.ts)
 * and the SSM version it was read from (what a rejection report names). Never log `accessToken`.
 */
export interface ConsumerToken extends TokenDocument {
  /** SSM version of the stored document this token came from: what a rejection report names. */
  readonly parameterVersion: number;
}

export interface ResolvedOptions {
  readonly parameterName: string;
  readonly clock: () => Date;
  readonly random: () => number;
  readonly timeZone: string;
  readonly maxJitterSeconds: number;
}

/** Checks the options once, at construction; each message names the option and the fix. */
export function resolveOptions(options: FaspayTokenProviderOptions): ResolvedOptions {
  if (typeof options?.parameterName !== 'string' || options.parameterName.trim() === '') {
    throw new ConfigError('parameterName is required: the SSM parameter the refresher writes, e.g. /faspay/sendme/access-token');
  }
  exclusive(options, 'tokenSource', 'ssmClient');
  exclusive(options, 'credentials', 'credentialsSecretId');
  exclusive(options, 'credentials', 'secretsManagerClient');
  if (options.secretsManagerClient !== undefined && options.credentialsSecretId === undefined) {
    throw new ConfigError('secretsManagerClient is used only to read credentialsSecretId: set credentialsSecretId too');
  }
  if (
    options.credentialsSecretId !== undefined &&
    (typeof options.credentialsSecretId !== 'string' || options.credentialsSecretId.trim() === '')
  ) {
    throw new ConfigError('credentialsSecretId must be the name or ARN of the credentials secret, got an empty value');
  }
  const timeZone = options.timeZone ?? DEFAULT_FASPAY_TIME_ZONE;
  assertTimeZone(timeZone);
  const maxJitterSeconds = options.maxJitterSeconds ?? DEFAULT_MAX_JITTER_SECONDS;
  if (typeof maxJitterSeconds !== 'number' || !Number.isFinite(maxJitterSeconds) || maxJitterSeconds < 0 || maxJitterSeconds > 3600) {
    throw new ConfigError(`maxJitterSeconds must be a number of seconds from 0 to 3600, got ${String(maxJitterSeconds)}`);
  }
  return {
    parameterName: options.parameterName,
    clock: options.clock ?? (() => new Date()),
    random: options.random ?? Math.random,
    timeZone,
    maxJitterSeconds,
  };
}

function exclusive(options: FaspayTokenProviderOptions, a: keyof FaspayTokenProviderOptions, b: keyof FaspayTokenProviderOptions): void {
  if (options[a] !== undefined && options[b] !== undefined) {
    throw new ConfigError(`${a} and ${b} are exclusive: pass one of them`);
  }
}
