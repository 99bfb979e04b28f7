import type { RecordedCall } from '../../support/recording-proxy.js';

/** One request as IAM authorizes it: who, which action, on which resource, with which condition keys. */
export interface IamRequest {
  readonly caller: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  /** Why this request exists (the recorded operation, or the one it is derived from). */
  readonly because: string;
}

export interface Account {
  readonly account: string;
  readonly region: string;
  /** The full ARN of a secret named by name, partial ARN or ARN (Secrets Manager authorizes on the full ARN). */
  readonly secretArn: (secretId: string) => string;
}

/**
 * The IAM requests behind the recorded calls, in order. SSM encrypts and decrypts a SecureString
 * with the caller's permissions on a customer-managed key (kms:ViaService, the parameter ARN as
 * encryption context): a proxy in front of SSM never sees those KMS calls, so they are derived from
 * the SSM call and the key the parameter was last written with. The AWS managed key (no `KeyId`)
 * needs no permission of the caller.
 */
export function iamRequestsOf(calls: readonly RecordedCall[], where: Account): IamRequest[] {
  const keyOfParameter = new Map<string, string>();
  return calls.flatMap((call) => {
    const because = `${call.service}:${call.operation} by ${call.caller}`;
    const request = (action: string, resource: string, context: Record<string, string | string[]> = {}): IamRequest => ({
      caller: call.caller,
      action,
      resource,
      context,
      because,
    });
    const input = call.input;
    switch (call.service) {
      case 'ssm': {
        // A `name:version` (or `name:label`) selector reads that version of the same parameter:
        // IAM authorizes it on the parameter's ARN (names cannot contain a colon).
        const name = stringField(input, 'Name', because).split(':')[0]!;
        const parameterArn = ssmParameterArn(where, name);
        const requests = [request(`ssm:${call.operation}`, parameterArn)];
        const kmsContext = {
          'kms:ViaService': `ssm.${where.region}.amazonaws.com`,
          'kms:EncryptionContext:PARAMETER_ARN': parameterArn,
          'kms:CallerAccount': where.account,
        };
        if (call.operation === 'PutParameter') {
          const keyId = input.KeyId;
          if (input.Type === 'SecureString' && typeof keyId === 'string') {
            keyOfParameter.set(name, keyId);
            const encrypt = input.Tier === undefined || input.Tier === 'Standard' ? 'kms:Encrypt' : 'kms:GenerateDataKey';
            requests.push(request(encrypt, keyArn(where, keyId), kmsContext));
          } else keyOfParameter.delete(name);
        }
        const key = keyOfParameter.get(name);
        if (call.operation === 'GetParameter' && input.WithDecryption === true && key !== undefined) {
          requests.push(request('kms:Decrypt', keyArn(where, key), kmsContext));
        }
        return requests;
      }
      case 'secretsmanager':
        return [request(`secretsmanager:${call.operation}`, where.secretArn(stringField(input, 'SecretId', because)))];
      case 'events': {
        // One authorization per PutEvents call: events:source and events:detail-type are multivalued
        // keys (ArrayOfString), holding the values of every entry of the call.
        const entries = (input.Entries ?? []) as { EventBusName?: string; Source?: string; DetailType?: string }[];
        const buses = [...new Set(entries.map((entry) => entry.EventBusName ?? 'default'))];
        return buses.map((bus) =>
          request('events:PutEvents', eventBusArn(where, bus), {
            'events:source': entries.map((entry) => entry.Source ?? ''),
            'events:detail-type': entries.map((entry) => entry.DetailType ?? ''),
          }),
        );
      }
      default:
        throw new Error(`no IAM mapping for ${because}: add one before trusting the evaluation`);
    }
  });
}

export function ssmParameterArn(where: Pick<Account, 'account' | 'region'>, name: string): string {
  return `arn:aws:ssm:${where.region}:${where.account}:parameter/${name.replace(/^\//, '')}`;
}

function keyArn(where: Pick<Account, 'account' | 'region'>, keyId: string): string {
  return keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${where.region}:${where.account}:key/${keyId}`;
}

function eventBusArn(where: Pick<Account, 'account' | 'region'>, bus: string): string {
  return bus.startsWith('arn:') ? bus : `arn:aws:events:${where.region}:${where.account}:event-bus/${bus}`;
}

function stringField(input: Record<string, unknown>, field: string, because: string): string {
  const value = input[field];
  if (typeof value !== 'string') throw new Error(`${because} has no ${field}`);
  return value;
}
