import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { DEFAULT_FASPAY_TIME_ZONE, FASPAY_SANDBOX_BASE_URL, TOKEN_PATH } from '../functions/faspay/index.js';
import {
  checkBaseUrl,
  checkDuration,
  checkEmail,
  checkInteger,
  checkParameterName,
  checkSignedPath,
  checkTimeZone,
  rateIntervalSeconds,
} from './checks.js';
import { InfraConfigError } from './errors.js';
import type { FaspayTokenRefresherProps } from './token-refresher-props.js';

/** The defaults of FaspayTokenRefresherProps, in one place (the stack and the README use the same). */
export const REFRESHER_DEFAULTS = {
  faspayBaseUrl: FASPAY_SANDBOX_BASE_URL,
  tokenParameterName: '/faspay/sendme/access-token',
  scheduleInterval: Duration.minutes(15),
  refreshBeforeExpiry: Duration.hours(2),
  signedPath: TOKEN_PATH,
  timeZone: DEFAULT_FASPAY_TIME_ZONE,
  httpTimeout: Duration.seconds(8),
  maxAttempts: 3,
  logRetention: logs.RetentionDays.THREE_MONTHS,
  stalenessThreshold: Duration.hours(1),
} as const;

/** The longest pause the function makes between two token requests (its backoff cap). */
const MAX_BACKOFF_SECONDS = 5;
/** Time for the Secrets Manager and SSM calls, the cold start and the metrics flush. */
const AWS_CALLS_SLACK_SECONDS = 15;
const MIN_FUNCTION_TIMEOUT_SECONDS = 60;
/** The staleness alarm's window when the schedule's interval is unknown (cron expressions). */
const STALENESS_PERIOD_FOR_CRON = Duration.hours(1);
const MIN_STALENESS_PERIOD_SECONDS = 30 * 60;

/** Every prop resolved to its default and checked. */
export interface RefresherSettings {
  readonly faspayBaseUrl: string;
  readonly tokenParameterName: string;
  readonly schedule: scheduler.ScheduleExpression;
  readonly refreshBeforeExpirySeconds: number;
  /** The schedule's interval (0 for cron schedules, whose interval is not derived). */
  readonly refreshLookaheadSeconds: number;
  readonly signedPath: string;
  readonly timeZone: string;
  readonly httpTimeoutMs: number;
  readonly maxAttempts: number;
  readonly functionTimeout: Duration;
  readonly reservedConcurrency?: number;
  readonly logRetention: logs.RetentionDays;
  readonly alarmEmail?: string;
  readonly stalenessThresholdSeconds: number;
  readonly stalenessPeriod: Duration;
}

export function resolveSettings(props: FaspayTokenRefresherProps): RefresherSettings {
  const schedule = props.schedule ?? scheduler.ScheduleExpression.rate(REFRESHER_DEFAULTS.scheduleInterval);
  const intervalSeconds = rateIntervalSeconds(schedule.expressionString);
  if (intervalSeconds === undefined && !schedule.expressionString.startsWith('cron(')) {
    throw new InfraConfigError(
      `schedule must be a recurring rate(...) or cron(...) expression, got "${schedule.expressionString}"`,
    );
  }
  const refreshBeforeExpirySeconds = checkDuration(
    'refreshBeforeExpiry',
    props.refreshBeforeExpiry ?? REFRESHER_DEFAULTS.refreshBeforeExpiry,
    Duration.minutes(1),
    Duration.days(1),
  );
  if (intervalSeconds !== undefined && refreshBeforeExpirySeconds <= intervalSeconds) {
    throw new InfraConfigError(
      `refreshBeforeExpiry (${refreshBeforeExpirySeconds} s) must be longer than the schedule interval ` +
        `(${intervalSeconds} s, "${schedule.expressionString}"), or the token can expire between two runs: ` +
        'raise refreshBeforeExpiry to at least twice the interval, or run the schedule more often',
    );
  }
  const httpTimeoutSeconds = checkDuration('httpTimeout', props.httpTimeout ?? REFRESHER_DEFAULTS.httpTimeout, Duration.seconds(1), Duration.seconds(60));
  const maxAttempts = checkInteger('maxAttempts', props.maxAttempts ?? REFRESHER_DEFAULTS.maxAttempts, 1, 10);
  const stalenessThresholdSeconds = checkDuration(
    'stalenessThreshold',
    props.stalenessThreshold ?? REFRESHER_DEFAULTS.stalenessThreshold,
    Duration.minutes(1),
    Duration.days(1),
  );
  if (stalenessThresholdSeconds >= refreshBeforeExpirySeconds) {
    throw new InfraConfigError(
      `stalenessThreshold (${stalenessThresholdSeconds} s) must be shorter than refreshBeforeExpiry ` +
        `(${refreshBeforeExpirySeconds} s): a healthy token is replaced when refreshBeforeExpiry is left, so a ` +
        'higher threshold would keep the staleness alarm firing; lower stalenessThreshold',
    );
  }
  const stalenessPeriod = props.stalenessPeriod ?? defaultStalenessPeriod(intervalSeconds);
  const stalenessPeriodSeconds = checkDuration('stalenessPeriod', stalenessPeriod, Duration.minutes(1), Duration.days(1));
  if (stalenessPeriodSeconds % 60 !== 0) {
    throw new InfraConfigError(`stalenessPeriod must be a whole number of minutes (a CloudWatch period), got ${stalenessPeriod.toHumanString()}`);
  }
  if (intervalSeconds !== undefined && stalenessPeriodSeconds < intervalSeconds) {
    throw new InfraConfigError(
      `stalenessPeriod (${stalenessPeriodSeconds} s) must contain at least one scheduled run (interval ${intervalSeconds} s), ` +
        'or the staleness alarm fires between runs: use at least twice the schedule interval',
    );
  }
  const reservedConcurrency =
    props.reservedConcurrency === undefined ? undefined : checkInteger('reservedConcurrency', props.reservedConcurrency, 1, 1000);
  const alarmEmail = props.alarmEmail === undefined ? undefined : checkEmail('alarmEmail', props.alarmEmail);
  return {
    faspayBaseUrl: checkBaseUrl('faspayBaseUrl', props.faspayBaseUrl ?? REFRESHER_DEFAULTS.faspayBaseUrl),
    tokenParameterName: checkParameterName('tokenParameterName', props.tokenParameterName ?? REFRESHER_DEFAULTS.tokenParameterName),
    schedule,
    refreshBeforeExpirySeconds,
    refreshLookaheadSeconds: intervalSeconds ?? 0,
    signedPath: checkSignedPath('signedPath', props.signedPath ?? REFRESHER_DEFAULTS.signedPath),
    timeZone: checkTimeZone('timeZone', props.timeZone ?? REFRESHER_DEFAULTS.timeZone),
    httpTimeoutMs: httpTimeoutSeconds * 1000,
    maxAttempts,
    functionTimeout: Duration.seconds(functionTimeoutSeconds(maxAttempts, httpTimeoutSeconds)),
    ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
    logRetention: props.logRetention ?? REFRESHER_DEFAULTS.logRetention,
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    stalenessThresholdSeconds,
    stalenessPeriod,
  };
}

/**
 * Every attempt may use the whole HTTP timeout, every pause between attempts the whole backoff
 * cap, plus the AWS calls; never below one minute.
 */
export function functionTimeoutSeconds(maxAttempts: number, httpTimeoutSeconds: number): number {
  const worstCase = maxAttempts * httpTimeoutSeconds + (maxAttempts - 1) * MAX_BACKOFF_SECONDS + AWS_CALLS_SLACK_SECONDS;
  return Math.max(MIN_FUNCTION_TIMEOUT_SECONDS, worstCase);
}

/** Two schedule intervals (one missed run is tolerated), at least 30 minutes, whole minutes. */
function defaultStalenessPeriod(intervalSeconds: number | undefined): Duration {
  if (intervalSeconds === undefined) return STALENESS_PERIOD_FOR_CRON;
  const seconds = Math.max(2 * intervalSeconds, MIN_STALENESS_PERIOD_SECONDS);
  if (seconds > 86_400) {
    throw new InfraConfigError(
      `the schedule interval (${intervalSeconds} s) is too long for the default staleness window (twice the interval, ` +
        'at most 1 day): run the schedule at least every 12 hours or set stalenessPeriod',
    );
  }
  return Duration.minutes(Math.ceil(seconds / 60));
}
