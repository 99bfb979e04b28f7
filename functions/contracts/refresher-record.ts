/**
 * What the construct records in its stack for the operator CLI (construct <-> CLI): one stack
 * output per FaspayTokenRefresher whose value is this JSON object, resolved by CloudFormation. The
 * CLI reads the outputs of `--stack`, keeps those that parse as a record, and picks one
 * (`--refresher`), so it works on any stack that holds the construct, however many and however
 * deeply nested.
 */

/** The value of `format`: a later, incompatible record gets a new one. */
export const REFRESHER_RECORD_FORMAT = 'faspay-token-refresher/1';

/** The description of the output, shown by `aws cloudformation describe-stacks`. */
export const REFRESHER_RECORD_DESCRIPTION =
  'Where the faspay-token CLI finds this Faspay token refresher (--stack; --refresher picks one of several)';

export interface RefresherRecord {
  readonly format: typeof REFRESHER_RECORD_FORMAT;
  /** The construct's id (`new FaspayTokenRefresher(this, 'ProductionToken')`: `ProductionToken`). */
  readonly constructId: string;
  /** The construct's path in the app, stack first (`Payments/ProductionToken`). */
  readonly constructPath: string;
  readonly functionName: string;
  readonly tokenParameterName: string;
  /** What the function reads its credentials with: the secret's full ARN, or its name when imported by name. */
  readonly credentialsSecretId: string;
}

const TEXT_KEYS = ['constructId', 'constructPath', 'functionName', 'tokenParameterName', 'credentialsSecretId'] as const;

/** The record an output value holds, or undefined when it holds none (another output of the stack). */
export function parseRefresherRecord(value: string): RefresherRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  if (record.format !== REFRESHER_RECORD_FORMAT) return undefined;
  if (!TEXT_KEYS.every((key) => typeof record[key] === 'string' && record[key] !== '')) return undefined;
  return record as unknown as RefresherRecord;
}
