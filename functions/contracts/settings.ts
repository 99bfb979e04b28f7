import {
  assertTimeZone,
  BALANCE_INQUIRY_PATH,
  DEFAULT_FASPAY_TIME_ZONE,
  parseFaspayBaseUrl,
  parseSignedPath,
  TOKEN_PATH,
} from '../faspay/index.js';
import { ConfigError } from '../shared/config-error.js';
import { checkKmsKeyId, checkParameterName, checkSecretId, checkWholeNumber } from '../shared/validators.js';
import { REJECTION_COOLDOWN_SECONDS } from './rejection-report.js';

/*
 * Every setting of the refresher function, declared once: its environment variable, its default,
 * its range and its parser. This is the contract between the construct, which renders the
 * environment from it (renderRefresherEnvironment) and checks its props with the same parsers, and
 * the function, which parses its environment with it (parseRefresherConfig); the CLI, the stack,
 * the soak run and the example consumer reuse the names and defaults. A new setting is a field of
 * RefresherConfig plus an entry here; the construct's settings table asks for its prop, the docs
 * table (docs/configuration.md) follows.
 */

/** The refresher's settings, parsed from its environment once per container. */
export interface RefresherConfig {
  readonly faspayBaseUrl: URL;
  readonly credentialsSecretId: string;
  readonly tokenParameterName: string;
  readonly refreshBeforeExpirySeconds: number;
  /** A run this close to a token's refreshAt replaces it: the schedule's interval. */
  readonly refreshLookaheadSeconds: number;
  readonly signedPath: string;
  readonly timeZone: string;
  /** @default - the AWS managed key alias/aws/ssm */
  readonly kmsKeyId?: string;
  readonly httpTimeoutMs: number;
  readonly maxAttempts: number;
  /** A rejection report replaces only a token issued at least this long ago (docs/self-healing.md). */
  readonly rejectionCooldownSeconds: number;
  /**
   * The read-only SendMe path a reported token is checked with before a token is bought for the
   * report; `false` (the text `off`) trusts every report (docs/self-healing.md).
   */
  readonly rejectionCheckPath: string | false;
  /** Let a token document larger than a Standard parameter holds (4 KB) be stored in the Advanced tier (docs/self-healing.md). */
  readonly advancedTier: boolean;
}

/** Where the token is kept unless configured otherwise (the construct's, the CLI's and the examples' default). */
export const DEFAULT_TOKEN_PARAMETER_NAME = '/faspay/sendme/access-token';

/**
 * The refresh lease's parameter sits beside the token parameter (same path, `.lease` appended): its
 * ARN is then as exact as the token's, and it needs no resource of its own in the stack. The
 * construct (IAM) and the function (its calls) both derive it from here.
 */
export function leaseParameterName(tokenParameterName: string): string {
  return `${tokenParameterName}.lease`;
}

interface SettingBase<T> {
  /** The environment variable that carries the setting to the function. */
  readonly env: string;
  /** Parses the variable's text; `label` names the setting in the message (the variable, a prop, a flag). */
  readonly parse: (text: string, label: string) => T;
  readonly render: (value: T) => string;
}

/** A setting with a default, a required one, or an optional one without a default. */
export type Setting<T> = SettingBase<T> & ({ readonly default: T } | { readonly required: true } | { readonly optional: true });

/** A whole number setting; `min` and `max` are the range every layer enforces. */
export interface NumberSetting extends SettingBase<number> {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

type Settings = { readonly [K in keyof RefresherConfig]-?: Setting<NonNullable<RefresherConfig[K]>> };

function wholeNumber(env: string, defaultValue: number, min: number, max: number): NumberSetting {
  return { env, default: defaultValue, min, max, parse: (text, label) => checkWholeNumber(label, text, min, max), render: String };
}

/** A rule of Faspay's own (functions/faspay) may not name the setting; here the message does. */
function named<T>(parse: (text: string, label: string) => T): (text: string, label: string) => T {
  return (text, label) => {
    try {
      return parse(text, label);
    } catch (error) {
      if (!(error instanceof ConfigError) || error.message.startsWith(label)) throw error;
      throw new ConfigError(`${label}: ${error.message}`, { cause: error });
    }
  };
}

const text = (value: string): string => value;

/** The value of REJECTION_CHECK_PATH (and of the construct's prop) that turns the check of reports off. */
export const CHECK_OFF = 'off';

function parseBoolean(value: string, label: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(`${label} must be true or false, got "${value.slice(0, 40)}"`);
}

export const REFRESHER_SETTINGS = {
  faspayBaseUrl: {
    env: 'FASPAY_BASE_URL',
    required: true,
    parse: named(parseFaspayBaseUrl),
    render: (url: URL) => url.href.replace(/\/+$/, ''),
  },
  credentialsSecretId: {
    env: 'FASPAY_CREDENTIALS_SECRET_ID',
    required: true,
    parse: (value, label) => checkSecretId(label, value),
    render: text,
  },
  tokenParameterName: {
    env: 'TOKEN_PARAMETER_NAME',
    required: true,
    parse: (value, label) => checkParameterName(label, value),
    render: text,
  },
  refreshBeforeExpirySeconds: wholeNumber('REFRESH_BEFORE_EXPIRY_SECONDS', 7200, 60, 86_400),
  refreshLookaheadSeconds: wholeNumber('REFRESH_LOOKAHEAD_SECONDS', 0, 0, 86_400),
  signedPath: { env: 'FASPAY_SIGNED_PATH', default: TOKEN_PATH, parse: named(parseSignedPath), render: text },
  timeZone: {
    env: 'FASPAY_TIMEZONE',
    default: DEFAULT_FASPAY_TIME_ZONE,
    parse: named((value) => {
      assertTimeZone(value);
      return value;
    }),
    render: text,
  },
  kmsKeyId: { env: 'TOKEN_PARAMETER_KMS_KEY_ID', optional: true, parse: (value, label) => checkKmsKeyId(label, value), render: text },
  httpTimeoutMs: wholeNumber('FASPAY_HTTP_TIMEOUT_MS', 8000, 100, 60_000),
  maxAttempts: wholeNumber('FASPAY_MAX_ATTEMPTS', 3, 1, 10),
  rejectionCooldownSeconds: wholeNumber(
    'REJECTION_COOLDOWN_SECONDS',
    REJECTION_COOLDOWN_SECONDS.default,
    REJECTION_COOLDOWN_SECONDS.min,
    REJECTION_COOLDOWN_SECONDS.max,
  ),
  rejectionCheckPath: {
    env: 'REJECTION_CHECK_PATH',
    default: BALANCE_INQUIRY_PATH as string | false,
    parse: named((value, label) => (value === CHECK_OFF ? false : parseSignedPath(value, label))),
    render: (path: string | false) => (path === false ? CHECK_OFF : path),
  },
  advancedTier: { env: 'TOKEN_PARAMETER_ADVANCED_TIER', default: false, parse: parseBoolean, render: String },
} as const satisfies Settings;

type Env = Readonly<Record<string, string | undefined>>;

/** Parses and checks every variable; the error names the variable at fault and the fix. */
export function parseRefresherConfig(env: Env): RefresherConfig {
  return parseSettings(env, Object.keys(REFRESHER_SETTINGS) as (keyof RefresherConfig)[]) as RefresherConfig;
}

/**
 * Parses some of the settings: what a function that shares them (the example consumer reads the
 * base URL, the parameter, the secret and the time zone) needs, by the same rules and messages.
 */
export function parseSettings<K extends keyof RefresherConfig>(env: Env, keys: readonly K[]): Pick<RefresherConfig, K> {
  const config: Record<string, unknown> = {};
  for (const key of keys) {
    const setting = REFRESHER_SETTINGS[key] as Setting<unknown>;
    const value = env[setting.env]?.trim();
    if (value === undefined || value === '') {
      if ('required' in setting) throw new ConfigError(`environment variable ${setting.env} is required but not set`);
      if ('default' in setting) config[key] = setting.default;
      continue;
    }
    config[key] = setting.parse(value, setting.env);
  }
  return config as Pick<RefresherConfig, K>;
}

/** The function's environment for a configuration: what the construct deploys (values may be CDK tokens). */
export function renderRefresherEnvironment(config: Partial<RefresherConfig>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, setting] of Object.entries(REFRESHER_SETTINGS) as [keyof RefresherConfig, Setting<unknown>][]) {
    const value = config[key];
    if (value !== undefined) env[setting.env] = setting.render(value);
  }
  return env;
}

/** The settings without a default: whoever configures a refresher must give these. */
export type RequiredSettingKey = {
  [K in keyof typeof REFRESHER_SETTINGS]: (typeof REFRESHER_SETTINGS)[K] extends { readonly required: true } ? K : never;
}[keyof typeof REFRESHER_SETTINGS];

/**
 * A configuration from typed values, the declared default filling in what is not given: how the
 * local CLI and the soak run configure the same refresher the Lambda parses from its environment.
 */
export function refresherConfigOf(given: Pick<RefresherConfig, RequiredSettingKey> & Partial<RefresherConfig>): RefresherConfig {
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(REFRESHER_SETTINGS) as [keyof RefresherConfig, Setting<unknown>][]) {
    const value = given[key] ?? ('default' in setting ? setting.default : undefined);
    if (value !== undefined) config[key] = value;
  }
  return config as unknown as RefresherConfig;
}
