import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { StoredRecord, TokenStore } from '../token/index.js';
import { AwsAdapterError, awsCallFailed, awsErrorName } from './errors.js';

/** The most a parameter's value may hold, in bytes (not characters), per tier. */
export const SSM_STANDARD_VALUE_LIMIT_BYTES = 4096;
export const SSM_ADVANCED_VALUE_LIMIT_BYTES = 8192;

/** How many versions of a parameter SSM keeps (older ones can no longer be read). */
export const SSM_KEPT_VERSIONS = 100;

/**
 * Standard, or Intelligent-Tiering: SSM keeps the parameter Standard (free) while the value fits,
 * and makes it Advanced (charged, and never Standard again) the first time it does not.
 */
export type TokenParameterTier = 'Standard' | 'Intelligent-Tiering';

export interface SsmTokenStoreOptions {
  readonly parameterName: string;
  /** KMS key for the SecureString. @default - the AWS managed key alias/aws/ssm */
  readonly kmsKeyId?: string;
  /** @default 'Standard' */
  readonly tier?: TokenParameterTier;
}

/**
 * The token parameter in SSM Parameter Store: a Standard-tier SecureString the function creates and
 * overwrites itself (CloudFormation cannot own a SecureString). Versions are never labelled, so the
 * 100-version history can always roll over.
 */
export function createSsmTokenStore(client: SSMClient, options: SsmTokenStoreOptions): TokenStore {
  const name = options.parameterName;
  const readSelected = async (selector: string): Promise<StoredRecord | undefined> => {
    try {
      const answer = await client.send(new GetParameterCommand({ Name: `${name}${selector}`, WithDecryption: true }));
      const parameter = answer.Parameter;
      if (parameter?.Value === undefined || parameter.Version === undefined) return undefined;
      return {
        value: parameter.Value,
        version: parameter.Version,
        ...(parameter.LastModifiedDate === undefined ? {} : { lastModified: parameter.LastModifiedDate }),
        ...(parameter.Type === undefined ? {} : { storageType: parameter.Type }),
      };
    } catch (error) {
      const errorName = awsErrorName(error);
      // A version past the 100 SSM keeps is gone, like a parameter that does not exist.
      if (errorName === 'ParameterNotFound' || errorName === 'ParameterVersionNotFound') return undefined;
      throw awsCallFailed('PARAMETER_READ_FAILED', `cannot read the token parameter "${name}"`, error);
    }
  };
  return {
    read: () => readSelected(''),
    // `name:version` is a GetParameter on the same ARN: no permission beyond reading the token.
    readVersion: (version) => readSelected(`:${version}`),
    async write(value) {
      try {
        const answer = await client.send(
          new PutParameterCommand({
            Name: name,
            Value: value,
            Type: 'SecureString',
            Tier: options.tier ?? 'Standard',
            Overwrite: true,
            ...(options.kmsKeyId === undefined ? {} : { KeyId: options.kmsKeyId }),
          }),
        );
        if (answer.Version === undefined) {
          throw new AwsAdapterError('PARAMETER_WRITE_FAILED', `SSM did not return a version for "${name}"`, 'MissingVersion');
        }
        return { version: answer.Version };
      } catch (error) {
        if (error instanceof AwsAdapterError) throw error;
        throw awsCallFailed('PARAMETER_WRITE_FAILED', `cannot write the token parameter "${name}"`, error);
      }
    },
  };
}

/** A store in memory (local runs, tests, benchmarks). */
export function createMemoryTokenStore(clock: () => Date = () => new Date()): TokenStore & { clear(): void } {
  let current: StoredRecord | undefined;
  const history = new Map<number, StoredRecord>();
  return {
    async read() {
      return current;
    },
    async readVersion(version) {
      return history.get(version);
    },
    async write(value) {
      current = { value, version: (current?.version ?? 0) + 1, lastModified: clock() };
      history.set(current.version, current);
      history.delete(current.version - SSM_KEPT_VERSIONS);
      return { version: current.version };
    },
    clear() {
      current = undefined;
      history.clear();
    },
  };
}
