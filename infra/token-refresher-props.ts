import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DEFAULT_TOKEN_PARAMETER_NAME, REFRESHER_SETTINGS } from '../functions/contracts/settings.js';
import { FASPAY_SANDBOX_BASE_URL } from '../functions/faspay/base-url.js';
import { booleanProp, derived, durationProp, numberProp, type SettingsTable, textProp } from './setting-entries.js';

export interface FaspayTokenRefresherProps {
  /**
   * Faspay SendMe base URL. https only; http is accepted for loopback hosts (the local simulator).
   * @default 'https://sendme-sandbox.faspay.co.id' (the sandbox)
   */
  readonly faspayBaseUrl?: string;
  /**
   * The secret whose value is the JSON credentials object (faspay_key, faspay_secret, app_key,
   * app_secret, client_key, client_secret, iv). Use `Secret.fromSecretNameV2` for an existing one.
   * @default - a new secret holding empty placeholders; fill it with `put-secret-value`
   */
  readonly credentialsSecret?: secretsmanager.ISecret;
  /**
   * SSM parameter the function creates and overwrites (SecureString, Standard tier). The stack does
   * not declare it: CloudFormation cannot create a SecureString, and a deploy must not clobber the token.
   * @default '/faspay/sendme/access-token'
   */
  readonly tokenParameterName?: string;
  /**
   * Customer managed KMS key for the SecureString; the function and `grantRead` grantees may use it
   * only through SSM (kms:ViaService).
   * @default - the AWS managed key alias/aws/ssm
   */
  readonly tokenParameterKey?: kms.IKey;
  /**
   * When the refresher runs. Each run is cheap when the token is fresh (one GetParameter).
   * @default ScheduleExpression.rate(Duration.minutes(15))
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * How long before the token's expiry it is replaced (the document's refreshAt). Must exceed the
   * schedule interval.
   * @default Duration.hours(2)
   */
  readonly refreshBeforeExpiry?: Duration;
  /**
   * Path placed in the signature's StringToSign.
   * @default '/account/api/tokens'
   */
  readonly signedPath?: string;
  /**
   * IANA time zone of the faspay-timestamp header.
   * @default 'Asia/Jakarta'
   */
  readonly timeZone?: string;
  /**
   * Timeout of one token request. The function timeout is derived from it and maxAttempts.
   * @default Duration.seconds(8)
   */
  readonly httpTimeout?: Duration;
  /**
   * Token requests per invocation; transient failures are retried with backoff.
   * @default 3
   */
  readonly maxAttempts?: number;
  /**
   * A consumer's rejection report replaces the token only when the reported token was issued at
   * least this long ago, so that reports about a token the refresher has just replaced (or a
   * token an outside system revokes again at once) cannot make it request token after token.
   * @default Duration.minutes(1)
   */
  readonly rejectionCooldown?: Duration;
  /**
   * Before a consumer's rejection report buys a token, the function checks the reported token with
   * one signed GET of this read-only SendMe path: if SendMe accepts it, the report is refuted (some
   * consumer is misconfigured) and no token is bought. `'off'` trusts every report.
   * @default '/account/api/balance_inquiry'
   */
  readonly rejectionCheckPath?: string;
  /**
   * Lets the function store a token document larger than a Standard parameter holds (4 KB, 8 KB in
   * the Advanced tier) by writing with Intelligent-Tiering: the parameter stays Standard (free) while
   * tokens fit and becomes Advanced (charged per parameter-month and per API call, and never
   * Standard again) the first time one does not. Off, such a token fails the run with
   * TOKEN_TOO_LARGE and the stored token stays as it was.
   * @default false
   */
  readonly advancedTier?: boolean;
  /**
   * Reserved concurrency of the function (1 makes it a singleton; needs unreserved account quota).
   * @default - no reservation; the handler is idempotent
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Email address subscribed to the alarm topic (the recipient must confirm the subscription).
   * @default - no subscription; subscribe to the `alarmTopic` yourself
   */
  readonly alarmEmail?: string;
  /**
   * The staleness alarm fires when the stored token has less than this left.
   * @default Duration.hours(1)
   */
  readonly stalenessThreshold?: Duration;
  /**
   * Window of the staleness alarm; no report from the function within it also fires the alarm.
   * @default - twice the schedule interval, at least 30 minutes; 1 hour for cron expressions
   */
  readonly stalenessPeriod?: Duration;
}

/**
 * Where each setting of the function comes from: a prop (its default, range and parser are the
 * declaration's, functions/contracts/settings.ts) or something the construct derives. The compiler
 * asks for an entry for every declared setting, so a new setting is its declaration, its prop and
 * its line here.
 */
export const FUNCTION_SETTINGS = {
  faspayBaseUrl: textProp('faspayBaseUrl', REFRESHER_SETTINGS.faspayBaseUrl, FASPAY_SANDBOX_BASE_URL),
  credentialsSecretId: derived(
    'credentialsSecret',
    'the secret is given or created with placeholders; a secret imported by name is addressed by its name (a partial ARN is ambiguous)',
    ({ credentialsSecret }) => credentialsSecret.secretFullArn ?? credentialsSecret.secretName,
  ),
  tokenParameterName: textProp('tokenParameterName', REFRESHER_SETTINGS.tokenParameterName, DEFAULT_TOKEN_PARAMETER_NAME),
  refreshBeforeExpirySeconds: durationProp('refreshBeforeExpiry', REFRESHER_SETTINGS.refreshBeforeExpirySeconds, 'seconds'),
  refreshLookaheadSeconds: derived(
    'schedule',
    'the schedule interval: the last run before refreshAt replaces the token, so consumers re-reading at refreshAt find the new one',
    ({ scheduleIntervalSeconds }) => scheduleIntervalSeconds,
  ),
  signedPath: textProp('signedPath', REFRESHER_SETTINGS.signedPath),
  timeZone: textProp('timeZone', REFRESHER_SETTINGS.timeZone),
  kmsKeyId: derived(
    'tokenParameterKey',
    'a key, not an id: the construct grants its use (through SSM only) to the function and to grantRead grantees',
    ({ tokenParameterKey }) => tokenParameterKey?.keyArn,
  ),
  httpTimeoutMs: durationProp('httpTimeout', REFRESHER_SETTINGS.httpTimeoutMs, 'ms'),
  maxAttempts: numberProp('maxAttempts', REFRESHER_SETTINGS.maxAttempts),
  rejectionCooldownSeconds: durationProp('rejectionCooldown', REFRESHER_SETTINGS.rejectionCooldownSeconds, 'seconds'),
  rejectionCheckPath: textProp('rejectionCheckPath', REFRESHER_SETTINGS.rejectionCheckPath),
  advancedTier: booleanProp('advancedTier', REFRESHER_SETTINGS.advancedTier),
} satisfies SettingsTable;
