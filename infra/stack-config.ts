import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Node } from 'constructs';
import { DEFAULT_TOKEN_PARAMETER_NAME, REFRESHER_SETTINGS } from '../functions/contracts/settings.js';
import { FASPAY_SANDBOX_BASE_URL } from '../functions/faspay/base-url.js';
import { ConfigError } from '../functions/shared/config-error.js';
import {
  checkKmsKeyArn,
  checkSecretId,
  checkWholeNumber,
  isCronExpression,
  parseDurationSeconds,
  rateIntervalSeconds,
} from '../functions/shared/validators.js';
import { NETWORK_CONTEXT_DEFAULTS, type NetworkConfig, readNetworkConfig } from './stack-network.js';

/**
 * The stack's configuration, read from CDK context: cdk.json's "context" block, overridden with
 * `cdk deploy -c key=value`. Values from `-c` are always strings, values from cdk.json may be JSON
 * numbers or booleans; an empty string means "not set". Every error names the key, shows the value
 * and gives an example.
 */
export interface StackConfig {
  readonly stackName: string;
  readonly faspayBaseUrl: string;
  /** @default - the stack creates the secret with empty placeholders */
  readonly credentialsSecretName?: string;
  readonly tokenParameterName: string;
  readonly schedule: scheduler.ScheduleExpression;
  readonly refreshBeforeExpiry: Duration;
  /** @default - the AWS managed key alias/aws/ssm */
  readonly kmsKeyArn?: string;
  /** @default - no email subscription */
  readonly alarmEmail?: string;
  /** @default - no reserved concurrency */
  readonly reservedConcurrency?: number;
  readonly signedPath: string;
  readonly timeZone: string;
  readonly deployExampleConsumer: boolean;
  /** Outside a VPC, in an existing one, or behind a new fixed egress. */
  readonly network: NetworkConfig;
  /** The refresher's CloudWatch dashboard (and the DashboardUrl output). */
  readonly dashboard: boolean;
}

export const DEFAULT_STACK_NAME = 'FaspayTokenRefresher';

/** Context keys and their defaults as written in cdk.json (undefined: optional, no default). */
export const CONTEXT_DEFAULTS = {
  stackName: DEFAULT_STACK_NAME,
  faspayBaseUrl: FASPAY_SANDBOX_BASE_URL,
  credentialsSecretName: undefined,
  tokenParameterName: DEFAULT_TOKEN_PARAMETER_NAME,
  schedule: 'rate(15 minutes)',
  refreshBeforeExpiry: '2h',
  kmsKeyArn: undefined,
  alarmEmail: undefined,
  reservedConcurrency: undefined,
  signedPath: REFRESHER_SETTINGS.signedPath.default,
  timeZone: REFRESHER_SETTINGS.timeZone.default,
  deployExampleConsumer: false,
  dashboard: true,
  ...NETWORK_CONTEXT_DEFAULTS,
} as const;

type ContextKey = keyof typeof CONTEXT_DEFAULTS;
const CONTEXT_KEYS = Object.keys(CONTEXT_DEFAULTS) as ContextKey[];

export function readStackConfig(node: Node): StackConfig {
  rejectUnknownKeys(node);
  const text = (key: ContextKey): string | undefined => readText(node, key);
  const credentialsSecretName = optional(text('credentialsSecretName'), (v) =>
    withExample('credentialsSecretName', 'faspay/sendme/credentials', () =>
      checkSecretId(label('credentialsSecretName'), v, { nameOnly: true }),
    ),
  );
  const kmsKeyArn = optional(text('kmsKeyArn'), (v) =>
    withExample('kmsKeyArn', 'arn:aws:kms:ap-southeast-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', () =>
      checkKmsKeyArn(label('kmsKeyArn'), v),
    ),
  );
  const alarmEmail = text('alarmEmail');
  const reservedConcurrency = optional(text('reservedConcurrency'), (v) =>
    withExample('reservedConcurrency', '1', () => checkWholeNumber(label('reservedConcurrency'), v, 1, 1000)),
  );
  return {
    stackName: parseStackName(text('stackName') ?? CONTEXT_DEFAULTS.stackName),
    faspayBaseUrl: text('faspayBaseUrl') ?? CONTEXT_DEFAULTS.faspayBaseUrl,
    ...(credentialsSecretName === undefined ? {} : { credentialsSecretName }),
    tokenParameterName: text('tokenParameterName') ?? CONTEXT_DEFAULTS.tokenParameterName,
    schedule: parseSchedule(text('schedule') ?? CONTEXT_DEFAULTS.schedule),
    refreshBeforeExpiry: parseDuration('refreshBeforeExpiry', text('refreshBeforeExpiry') ?? CONTEXT_DEFAULTS.refreshBeforeExpiry),
    ...(kmsKeyArn === undefined ? {} : { kmsKeyArn }),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
    signedPath: text('signedPath') ?? CONTEXT_DEFAULTS.signedPath,
    timeZone: text('timeZone') ?? CONTEXT_DEFAULTS.timeZone,
    deployExampleConsumer: parseBoolean('deployExampleConsumer', text('deployExampleConsumer') ?? 'false'),
    network: readNetworkConfig({ text, boolean: parseBoolean }),
    dashboard: parseBoolean('dashboard', text('dashboard') ?? 'true'),
  };
}

/** `rate(15 minutes)`, `rate(1 hour)` or a six-field `cron(...)` expression (UTC). */
export function parseSchedule(value: string): scheduler.ScheduleExpression {
  const intervalSeconds = rateIntervalSeconds(value);
  if (intervalSeconds !== undefined) {
    if (intervalSeconds < 1) throw contextError('schedule', value, 'a rate of at least 1', 'rate(15 minutes)');
    return scheduler.ScheduleExpression.rate(Duration.seconds(intervalSeconds));
  }
  if (isCronExpression(value)) return scheduler.ScheduleExpression.expression(value.trim());
  throw contextError(
    'schedule',
    value,
    'rate(N minutes|hours|days) or cron(min hour day-of-month month day-of-week year)',
    'rate(15 minutes)',
  );
}

/** Whole seconds (`7200`), or hours/minutes/seconds (`2h`, `90m`, `1h30m`, `45s`). */
export function parseDuration(key: ContextKey, value: string): Duration {
  return Duration.seconds(withExample(key, '2h', () => parseDurationSeconds(label(key), value)));
}

export function parseBoolean(key: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw contextError(key, value, 'true or false', 'true');
}

/** The function's own rules (functions/shared/validators), named as context keys, with an example of a good value. */
function withExample<T>(key: ContextKey, example: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${error.message} (for example: -c ${key}=${example})`, { cause: error });
  }
}

const label = (key: ContextKey): string => `context "${key}"`;

function parseStackName(value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(value)) {
    throw contextError(
      'stackName',
      value,
      'a CloudFormation stack name (letters, digits, hyphens; starts with a letter)',
      'FaspayTokenRefresherProd',
    );
  }
  return value;
}

function readText(node: Node, key: ContextKey): string | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw !== 'string')
    throw contextError(key, JSON.stringify(raw), 'a string, number or boolean', String(CONTEXT_DEFAULTS[key] ?? ''));
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

function optional<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

/** A mistyped key (`-c schedul=...`) would otherwise be ignored silently and the default deployed. */
function rejectUnknownKeys(node: Node): void {
  const known = new Set<string>(CONTEXT_KEYS);
  const unknown = Object.keys(node.getAllContext()).filter((key) => /^[a-z][A-Za-z0-9]*$/.test(key) && !known.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown context key(s) ${unknown.map((k) => `"${k}"`).join(', ')}: the known keys are ${CONTEXT_KEYS.join(', ')}`,
    );
  }
}

function contextError(key: string, value: string, expected: string, example: string): ConfigError {
  return new ConfigError(`context "${key}" must be ${expected}, got "${value}" (for example: -c ${key}=${example})`);
}
