import { CredentialsInvalidError, type FaspayCredentials, parseFaspayCredentialsJson } from '../faspay/index.js';
import { backoffDelayMs } from '../shared/retry.js';
import { type BorrowedClient, createAwsJsonCall, SECRETS_MANAGER } from './aws-json-call.js';
import { awsCallFailed, isRetryableAwsError } from './errors.js';

/** Where the Faspay credentials come from: a secret, or a fixed set in local runs and tests. */
export interface CredentialsSource {
  load(): Promise<FaspayCredentials>;
}

/** Tries of one read, as the SDK's standard retry mode makes them: throttling, 5xx, 429 and network errors again. */
const READ_ATTEMPTS = 3;
const READ_BACKOFF = { baseDelayMs: 100, maxDelayMs: 1000 };

/**
 * Reads the credentials from one Secrets Manager secret (name or ARN) on every load, so a rotated
 * secret is used by the next refresh without a redeploy. GetSecretValue is signed with the
 * borrowed client's configuration (functions/adapters/aws-json-call.ts): the refresher and the
 * consumer read the secret alike, and neither bundles a Secrets Manager client. A failed read names
 * the AWS error and HTTP status, never the secret's value.
 */
export function createSecretsManagerCredentialsSource(borrowed: BorrowedClient, secretId: string): CredentialsSource {
  const call = createAwsJsonCall(SECRETS_MANAGER, borrowed);
  async function secretString(): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return ((await call('GetSecretValue', { SecretId: secretId })) as { SecretString?: unknown }).SecretString;
      } catch (error) {
        if (attempt >= READ_ATTEMPTS || !isRetryableAwsError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, READ_BACKOFF, Math.random)));
      }
    }
  }
  return {
    async load() {
      let value: unknown;
      try {
        value = await secretString();
      } catch (error) {
        throw awsCallFailed('CREDENTIALS_UNAVAILABLE', `cannot read the credentials secret "${secretId}"`, error);
      }
      if (typeof value !== 'string') {
        throw new CredentialsInvalidError(`the credentials secret "${secretId}" has no SecretString (binary secrets are not supported)`);
      }
      return parseFaspayCredentialsJson(value, `the credentials secret "${secretId}"`);
    },
  };
}

/** A fixed credential set (local runs and tests). */
export function staticCredentialsSource(credentials: FaspayCredentials): CredentialsSource {
  return { load: async () => credentials };
}
