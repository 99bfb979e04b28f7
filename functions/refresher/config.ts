import { assertTimeZone, DEFAULT_FASPAY_TIME_ZONE, parseFaspayBaseUrl, parseSignedPath, TOKEN_PATH } from '../faspay/index.js';
import { isCodedError } from '../shared/coded-error.js';
import { ConfigError } from './errors.js';

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
}

export const CONFIG_DEFAULTS = {
  refreshBeforeExpirySeconds: 7200,
  refreshLookaheadSeconds: 0,
  signedPath: TOKEN_PATH,
  timeZone: DEFAULT_FASPAY_TIME_ZONE,
  httpTimeoutMs: 8000,
  maxAttempts: 3,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Parses and checks every variable; the error names the variable at fault and the fix. */
export function parseRefresherConfig(env: Env): RefresherConfig {
  const faspayBaseUrl = wrap(() => parseFaspayBaseUrl(required(env, 'FASPAY_BASE_URL'), 'FASPAY_BASE_URL'));
  const credentialsSecretId = parseSecretId(required(env, 'FASPAY_CREDENTIALS_SECRET_ID'));
  const tokenParameterName = parseParameterName(required(env, 'TOKEN_PARAMETER_NAME'));
  const timeZone = optional(env, 'FASPAY_TIMEZONE') ?? CONFIG_DEFAULTS.timeZone;
  wrap(() => assertTimeZone(timeZone), 'FASPAY_TIMEZONE');
  const signedPath = wrap(() => parseSignedPath(optional(env, 'FASPAY_SIGNED_PATH') ?? CONFIG_DEFAULTS.signedPath, 'FASPAY_SIGNED_PATH'));
  const kmsKeyId = parseKmsKeyId(optional(env, 'TOKEN_PARAMETER_KMS_KEY_ID'));
  return {
    faspayBaseUrl,
    credentialsSecretId,
    tokenParameterName,
    refreshBeforeExpirySeconds: integer(env, 'REFRESH_BEFORE_EXPIRY_SECONDS', CONFIG_DEFAULTS.refreshBeforeExpirySeconds, 0, 86_400),
    refreshLookaheadSeconds: integer(env, 'REFRESH_LOOKAHEAD_SECONDS', CONFIG_DEFAULTS.refreshLookaheadSeconds, 0, 86_400),
    signedPath,
    timeZone,
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    httpTimeoutMs: integer(env, 'FASPAY_HTTP_TIMEOUT_MS', CONFIG_DEFAULTS.httpTimeoutMs, 100, 60_000),
    maxAttempts: integer(env, 'FASPAY_MAX_ATTEMPTS', CONFIG_DEFAULTS.maxAttempts, 1, 10),
  };
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(`environment variable ${name} is required but not set`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`environment variable ${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

/** SSM's naming rules, plus the one-slash rule that keeps the parameter's ARN exact. */
export function parseParameterName(name: string, variable = 'TOKEN_PARAMETER_NAME'): string {
  if (!/^[A-Za-z0-9_.\-/]{1,1011}$/.test(name)) {
    throw new ConfigError(`${variable} may contain only letters, digits and _ . - /, got "${name}"`);
  }
  if (name.includes('/') && (!name.startsWith('/') || name.includes('//') || name.endsWith('/'))) {
    throw new ConfigError(`${variable} must be a plain name or a path such as /faspay/sendme/access-token, got "${name}"`);
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw new ConfigError(`${variable} must not start with "aws" or "ssm" (reserved by SSM), got "${name}"`);
  }
  return name;
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A Secrets Manager secret name or ARN, checked at cold start rather than failing every run later. */
function parseSecretId(value: string): string {
  if (!SECRET_NAME.test(value) && !SECRET_ARN.test(value)) {
    throw new ConfigError(
      `FASPAY_CREDENTIALS_SECRET_ID must be a secret name (letters, digits and /_+=.@-) or a secret ARN, got "${value.slice(0, 80)}"`,
    );
  }
  return value;
}

const KMS_KEY = /^(?:[A-Za-z0-9-]{1,100}|alias\/[A-Za-z0-9/_-]{1,250})$/;
const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/[A-Za-z0-9-]{1,100}|alias\/[A-Za-z0-9/_-]{1,250})$/;

/** The four forms SSM accepts for KeyId: key id, key ARN, alias name, alias ARN. */
function parseKmsKeyId(value: string | undefined): string | undefined {
  if (value === undefined || KMS_KEY.test(value) || KMS_ARN.test(value)) return value;
  throw new ConfigError(
    `TOKEN_PARAMETER_KMS_KEY_ID must be a KMS key id, key ARN, alias name (alias/...) or alias ARN, got "${value.slice(0, 120)}"`,
  );
}

function wrap<T>(parse: () => T, variable?: string): T {
  try {
    return parse();
  } catch (error) {
    if (isCodedError(error) && error.code === 'CONFIG_INVALID') {
      throw new ConfigError(variable === undefined ? error.message : `${variable}: ${error.message}`);
    }
    throw error;
  }
}
