import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { borrowSecretsManager, borrowSsm } from '../adapters/aws-json-call.js';
import { createSecretsManagerCredentialsSource } from '../adapters/secrets.js';
import { createFaspaySigner, type FaspayCredentials, type FaspaySigner, parseFaspayCredentials } from '../faspay/index.js';
import { ConfigError } from '../shared/config-error.js';
import { defaultSsmClient } from './aws-clients.js';
import { asProviderError } from './errors.js';
import { createSingleFlight } from './single-flight.js';

export type CredentialsOption = FaspayCredentials | (() => Promise<FaspayCredentials>);

export interface SignerSourceOptions {
  readonly credentialsSecretId?: string;
  readonly secretsManagerClient?: SecretsManagerClient;
  readonly ssmClient?: SSMClient;
  readonly credentials?: CredentialsOption;
}

/** The signer for SendMe service calls, built from the credentials on first use and kept. */
export interface SignerSource {
  signer(): Promise<FaspaySigner>;
  /** Drops credentials that may have changed (a rotated secret); fixed credentials are kept. */
  forget(): void;
}

/**
 * Credentials are read once and cached: they change only on rotation, and a rotation shows up as an
 * Unauthorized answer, after which `forget()` lets the next call read them again.
 */
export function createSignerSource(options: SignerSourceOptions): SignerSource {
  if (options.credentials !== undefined && typeof options.credentials !== 'function') {
    // Checked (and the signer built) up front: a mistyped object fails at construction, not at the first call.
    const signer = createFaspaySigner(parseFaspayCredentials(options.credentials, 'the credentials option'));
    return { signer: async () => signer, forget: () => undefined };
  }
  const load = loaderFor(options);
  let cached: FaspaySigner | undefined;
  let generation = 0;
  const flight = createSingleFlight(async () => {
    const startedIn = generation;
    const signer = createFaspaySigner(await load());
    if (startedIn === generation) cached = signer;
    return signer;
  });
  return {
    signer: async () => cached ?? flight.run(),
    forget() {
      generation++;
      cached = undefined;
      flight.detach();
    },
  };
}

function loaderFor(options: SignerSourceOptions): () => Promise<FaspayCredentials> {
  const { credentials, credentialsSecretId } = options;
  if (typeof credentials === 'function') {
    return async () => {
      let value: unknown;
      try {
        value = await credentials();
      } catch (error) {
        throw asProviderError(error, 'CREDENTIALS_UNAVAILABLE', 'the credentials function');
      }
      return parseFaspayCredentials(value, 'the credentials returned by the credentials function');
    };
  }
  if (credentialsSecretId !== undefined) {
    // GetSecretValue signed with the given Secrets Manager client's configuration, else the SSM client's.
    const { secretsManagerClient } = options;
    const borrowed =
      secretsManagerClient === undefined ? borrowSsm(options.ssmClient ?? defaultSsmClient()) : borrowSecretsManager(secretsManagerClient);
    return createSecretsManagerCredentialsSource(borrowed, credentialsSecretId).load;
  }
  return async () => {
    throw new ConfigError(
      'signing SendMe calls needs the Faspay credentials: set credentialsSecretId (or credentials) when creating the token provider',
    );
  };
}
