import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import {
  DEFAULT_TOKEN_PARAMETER_NAME,
  type NumberSetting,
  REFRESHER_SETTINGS,
  type RefresherConfig,
  type Setting,
} from '../functions/contracts/settings.js';
import { FASPAY_SANDBOX_BASE_URL } from '../functions/faspay/index.js';
import { ConfigError } from '../functions/shared/config-error.js';
import { DEFAULT_BACKOFF } from '../functions/shared/retry.js';
import { rateIntervalSeconds } from '../functions/shared/validators.js';
import { checkDuration, checkEmail, checkInteger, checkParameterName } from './checks.js';
import type { FaspayTokenRefresherProps } from './token-refresher-props.js';

/**
 * The defaults of FaspayTokenRefresherProps. Those of function settings are the function's own
 * (functions/contracts/settings.ts); the rest exist only in the stack.
 */
export const REFRESHER_DEFAULTS = {
  faspayBaseUrl: FASPAY_SANDBOX_BASE_URL,
  tokenParameterName: DEFAULT_TOKEN_PARAMETER_NAME,
  scheduleInterval: Duration.minutes(15),
  refreshBeforeExpiry: Duration.seconds(REFRESHER_SETTINGS.refreshBeforeExpirySeconds.default),
  signedPath: REFRESHER_SETTINGS.signedPath.default,
  timeZone: REFRESHER_SETTINGS.timeZone.default,
  httpTimeout: Duration.millis(REFRESHER_SETTINGS.httpTimeoutMs.default),
  maxAttempts: REFRESHER_SETTINGS.maxAttempts.default,
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

/** Settings of the function that the construct derives itself instead of reading a prop of the same name. */
type DerivedFunctionSetting = 'credentialsSecretId' | 'kmsKeyId' | 'refreshLookaheadSeconds';
/** The function's settings that come from props: the construct adds the secret, the key and the lookahead. */
export type FunctionSettingsFromProps = Omit<RefresherConfig, DerivedFunctionSetting>;

/** Every prop resolved to its default and checked. */
export interface RefresherSettings {
  readonly function: FunctionSettingsFromProps;
  readonly schedule: scheduler.ScheduleExpression;
  /** The schedule's interval (0 for cron schedules, whose interval is not derived). */
  readonly refreshLookaheadSeconds: number;
  readonly functionTimeout: Duration;
  readonly reservedConcurrency?: number;
  readonly logRetention: logs.RetentionDays;
  readonly alarmEmail?: string;
  readonly stalenessThresholdSeconds: number;
  readonly stalenessPeriod: Duration;
}

export const DERIVED_FUNCTION_SETTINGS: ReadonlySet<string> = new Set<DerivedFunctionSetting>([
  'credentialsSecretId',
  'kmsKeyId',
  'refreshLookaheadSeconds',
]);

/** The construct prop that feeds a function setting, and the unit a Duration prop is converted to. */
export function propOfSetting(key: string): { readonly prop: string; readonly unit?: 'Seconds' | 'Ms' } {
  const unit = /(Seconds|Ms)$/.exec(key)?.[1] as 'Seconds' | 'Ms' | undefined;
  return unit === undefined ? { prop: key } : { prop: key.slice(0, -unit.length), unit };
}

/**
 * Each function setting is read from the prop of the same name, unit suffix dropped: a `...Seconds`
 * or `...Ms` setting from a Duration prop (refreshBeforeExpirySeconds <- refreshBeforeExpiry), any
 * other from a prop of its own type. The setting's declaration gives the default, the range and the
 * parser, so a new function setting needs no code here.
 */
export function functionSettingsFromProps(props: FaspayTokenRefresherProps): FunctionSettingsFromProps {
  const values: Record<string, unknown> = {};
  const given = props as Readonly<Record<string, unknown>>;
  for (const [key, setting] of Object.entries(REFRESHER_SETTINGS) as [string, Setting<unknown> & Partial<NumberSetting>][]) {
    if (DERIVED_FUNCTION_SETTINGS.has(key)) continue;
    const { prop, unit } = propOfSetting(key);
    const scale = unit === 'Seconds' ? 1000 : 1;
    const declared = 'default' in setting ? setting.default : undefined;
    const fallback =
      PROP_DEFAULTS[prop] ?? (unit !== undefined && typeof declared === 'number' ? Duration.millis(declared * scale) : declared);
    const value = given[prop] ?? fallback;
    if (value === undefined) throw new ConfigError(`${prop} is required`);
    if (unit !== undefined) {
      const checked = checkDuration(prop, value as Duration, Duration.millis(setting.min! * scale), Duration.millis(setting.max! * scale));
      values[key] = unit === 'Seconds' ? checked : checked * 1000;
    } else if (typeof value === 'number') {
      values[key] = checkInteger(prop, value, setting.min!, setting.max!);
    } else {
      values[key] = setting.parse(String(value), prop);
    }
  }
  return values as unknown as FunctionSettingsFromProps;
}

/** Defaults of props whose function setting is required (the function has no default; the construct does). */
const PROP_DEFAULTS: Readonly<Record<string, unknown>> = {
  faspayBaseUrl: REFRESHER_DEFAULTS.faspayBaseUrl,
  tokenParameterName: REFRESHER_DEFAULTS.tokenParameterName,
};

export function resolveSettings(props: FaspayTokenRefresherProps): RefresherSettings {
  const schedule = props.schedule ?? scheduler.ScheduleExpression.rate(REFRESHER_DEFAULTS.scheduleInterval);
  const intervalSeconds = rateIntervalSeconds(schedule.expressionString);
  if (intervalSeconds === undefined && !schedule.expressionString.startsWith('cron(')) {
    throw new ConfigError(`schedule must be a recurring rate(...) or cron(...) expression, got "${schedule.expressionString}"`);
  }
  checkParameterName('tokenParameterName', props.tokenParameterName ?? REFRESHER_DEFAULTS.tokenParameterName);
  const fn = functionSettingsFromProps(props);
  const { refreshBeforeExpirySeconds } = fn;
  if (intervalSeconds !== undefined && refreshBeforeExpirySeconds <= intervalSeconds) {
    throw new ConfigError(
      `refreshBeforeExpiry (${refreshBeforeExpirySeconds} s) must be longer than the schedule interval ` +
        `(${intervalSeconds} s, "${schedule.expressionString}"), or the token can expire between two runs: ` +
        'raise refreshBeforeExpiry to at least twice the interval, or run the schedule more often',
    );
  }
  // checkDuration keeps Duration props to whole seconds, so the function timeout is too.
  const httpTimeoutSeconds = fn.httpTimeoutMs / 1000;
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
    schedule,
    refreshLookaheadSeconds: intervalSeconds ?? 0,
    functionTimeout: Duration.seconds(functionTimeoutSeconds(fn.maxAttempts, httpTimeoutSeconds)),
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
