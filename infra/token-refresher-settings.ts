import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { RefresherConfig } from '../functions/contracts/settings.js';
import { ConfigError } from '../functions/shared/config-error.js';
import { DEFAULT_BACKOFF } from '../functions/shared/retry.js';
import { rateIntervalSeconds } from '../functions/shared/validators.js';
import { checkDuration, checkEmail, checkInteger, checkLiteral } from './checks.js';
import { settingsFromProps } from './setting-entries.js';
import { type FaspayTokenRefresherProps, FUNCTION_SETTINGS } from './token-refresher-props.js';

/**
 * The defaults of the props that are not function settings (those of function settings are the
 * declarations', functions/contracts/settings.ts, through FUNCTION_SETTINGS).
 */
export const REFRESHER_DEFAULTS = {
  scheduleInterval: Duration.minutes(15),
  logRetention: logs.RetentionDays.THREE_MONTHS,
  stalenessThreshold: Duration.hours(1),
} as const;

/** The longest pause the function makes between two token requests (its backoff cap). */
const MAX_BACKOFF_SECONDS = DEFAULT_BACKOFF.maxDelayMs / 1000;
/** Time for the Secrets Manager and SSM calls, the cold start and the metrics flush. */
const AWS_CALLS_SLACK_SECONDS = 15;
const MIN_FUNCTION_TIMEOUT_SECONDS = 60;
/** The staleness alarm's window when the schedule's interval is unknown (cron expressions). */
const STALENESS_PERIOD_FOR_CRON = Duration.hours(1);
const MIN_STALENESS_PERIOD_SECONDS = 30 * 60;

/** Every prop resolved to its default and checked. */
export interface RefresherSettings {
  /** The function's settings that props feed; the construct adds the ones it derives (FUNCTION_SETTINGS). */
  readonly function: Partial<RefresherConfig>;
  readonly tokenParameterName: string;
  readonly schedule: scheduler.ScheduleExpression;
  /** The schedule's interval (0 for cron schedules, whose interval is not derived). */
  readonly scheduleIntervalSeconds: number;
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
    throw new ConfigError(`schedule must be a recurring rate(...) or cron(...) expression, got "${schedule.expressionString}"`);
  }
  // The parameter's ARN is built from its name at synth time.
  if (props.tokenParameterName !== undefined) checkLiteral('tokenParameterName', props.tokenParameterName);
  const fn = settingsFromProps(FUNCTION_SETTINGS, props);
  // Checked above, read again typed for the rules between props.
  const refreshBeforeExpirySeconds = FUNCTION_SETTINGS.refreshBeforeExpirySeconds.read(props);
  const httpTimeoutSeconds = FUNCTION_SETTINGS.httpTimeoutMs.read(props) / 1000;
  const maxAttempts = FUNCTION_SETTINGS.maxAttempts.read(props);
  if (intervalSeconds !== undefined && refreshBeforeExpirySeconds <= intervalSeconds) {
    throw new ConfigError(
      `refreshBeforeExpiry (${refreshBeforeExpirySeconds} s) must be longer than the schedule interval ` +
        `(${intervalSeconds} s, "${schedule.expressionString}"), or the token can expire between two runs: ` +
        'raise refreshBeforeExpiry to at least twice the interval, or run the schedule more often',
    );
  }
  const stalenessThresholdSeconds = checkDuration(
    'stalenessThreshold',
    props.stalenessThreshold ?? REFRESHER_DEFAULTS.stalenessThreshold,
    Duration.minutes(1),
    Duration.days(1),
  );
  if (stalenessThresholdSeconds >= refreshBeforeExpirySeconds) {
    throw new ConfigError(
      `stalenessThreshold (${stalenessThresholdSeconds} s) must be shorter than refreshBeforeExpiry ` +
        `(${refreshBeforeExpirySeconds} s): a healthy token is replaced when refreshBeforeExpiry is left, so a ` +
        'higher threshold would keep the staleness alarm firing; lower stalenessThreshold',
    );
  }
  const stalenessPeriod = props.stalenessPeriod ?? defaultStalenessPeriod(intervalSeconds);
  const stalenessPeriodSeconds = checkDuration('stalenessPeriod', stalenessPeriod, Duration.minutes(1), Duration.days(1));
  if (stalenessPeriodSeconds % 60 !== 0) {
    throw new ConfigError(
      `stalenessPeriod must be a whole number of minutes (a CloudWatch period), got ${stalenessPeriod.toHumanString()}`,
    );
  }
  if (intervalSeconds !== undefined && stalenessPeriodSeconds < intervalSeconds) {
    throw new ConfigError(
      `stalenessPeriod (${stalenessPeriodSeconds} s) must contain at least one scheduled run (interval ${intervalSeconds} s), ` +
        'or the staleness alarm fires between runs: use at least twice the schedule interval',
    );
  }
  const reservedConcurrency =
    props.reservedConcurrency === undefined ? undefined : checkInteger('reservedConcurrency', props.reservedConcurrency, 1, 1000);
  const alarmEmail = props.alarmEmail === undefined ? undefined : checkEmail('alarmEmail', props.alarmEmail);
  return {
    function: fn,
    tokenParameterName: FUNCTION_SETTINGS.tokenParameterName.read(props),
    schedule,
    scheduleIntervalSeconds: intervalSeconds ?? 0,
    // checkDuration keeps Duration props to whole seconds, so the function timeout is too.
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
    throw new ConfigError(
      `the schedule interval (${intervalSeconds} s) is too long for the default staleness window (twice the interval, ` +
        'at most 1 day): run the schedule at least every 12 hours or set stalenessPeriod',
    );
  }
  return Duration.minutes(Math.ceil(seconds / 60));
}
