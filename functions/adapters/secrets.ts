import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CredentialsInvalidError, type FaspayCredentials, parseFaspayCredentialsJson } from '../faspay/index.js';
import { AwsAdapterError, awsErrorName } from './errors.js';

/** Where the Faspay credentials come from: a secret, or a fixed set in local runs and tests. */
export interface CredentialsSource {
  load(): Promise<FaspayCredentials>;
}

/**
 * Reads the credentials from one Secrets Manager secret (name or ARN) on every call, so a rotated
 * secret is used by the next refresh without a redeploy.
 */
export function createSecretsManagerCredentialsSource(client: SecretsManagerClient, secretId: string): CredentialsSource {
  return {
    async load() {
      let secretString: string | undefined;
      try {
        const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
        secretString = answer.SecretString;
      } catch (error) {
        throw new AwsAdapterError('CREDENTIALS_UNAVAILABLE', `cannot read the credentials secret "${secretId}"`, awsErrorName(error));
      }
      if (secretString === undefined) {
        throw new CredentialsInvalidError(`the credentials secret "${secretId}" has no SecretString (binary secrets are not supported)`);
      }
      return parseFaspayCredentialsJson(secretString, `the credentials secret "${secretId}"`);
    },
  };
}

/** A fixed credential set (local runs and tests). */
export function staticCredentialsSource(credentials: FaspayCredentials): CredentialsSource {
  return { load: async () => credentials };
}

/**
 * A client with the SDK's own configuration (region, endpoint, credentials), for callers that load
 * this adapter lazily: named imports let a bundler keep this client and GetSecretValue only, where
 * `import('@aws-sdk/client-secrets-manager')` would keep every Secrets Manager command.
 */
export function createDefaultSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({});
}
