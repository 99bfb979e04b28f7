/**
 * The floor the refresher's bundle is measured against: the same two AWS SDK clients, built once
 * at module scope like the refresher's container does, and nothing else.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const ssm = new SSMClient({});
const secrets = new SecretsManagerClient({});

export async function handler(): Promise<unknown> {
  return [ssm, secrets, GetParameterCommand, GetSecretValueCommand].length;
}
