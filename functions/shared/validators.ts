import { ConfigError } from './config-error.js';

/*
 * The rules for AWS names and formats, written once and used by the function (environment), the
 * construct (props), the stack (CDK context) and the CLI (flags). `label` is the setting as its user
 * knows it (`TOKEN_PARAMETER_NAME`, `tokenParameterName`, `context "tokenParameterName"`,
 * `--parameter-name`); every message starts with it, says what is expected and shows the value.
 * The values checked here are names, paths and numbers, never secrets.
 */

const PARAMETER_NAME_FIX = 'use a plain name (faspay-token) or a path that starts with "/" (/faspay/sendme/access-token)';
/** SSM allows 1011 characters for the whole ARN; 900 leaves room for the longest ARN prefix and the lease suffix. */
const MAX_PARAMETER_NAME_LENGTH = 900;
const MAX_PARAMETER_LEVELS = 15;

/**
 * SSM's naming rules plus the one that keeps the ARN exact: a name with a `/` must be a full path
 * (`/a/b`), so its ARN is `...:parameter/a/b` with exactly one slash after `parameter`.
 */
export function checkParameterName(label: string, name: string): string {
  if (!/^[A-Za-z0-9_.\-/]+$/.test(name) || name.length > MAX_PARAMETER_NAME_LENGTH) {
    throw new ConfigError(
      `${label} may contain only letters, digits and _ . - / (1-${MAX_PARAMETER_NAME_LENGTH} characters), got "${shown(name)}": ${PARAMETER_NAME_FIX}`,
    );
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw new ConfigError(`${label} contains "/" but does not start with "/", got "${name}": ${PARAMETER_NAME_FIX}`);
  }
  if (name.includes('//') || name.endsWith('/')) {
    throw new ConfigError(`${label} has an empty path segment, got "${name}": ${PARAMETER_NAME_FIX}`);
  }
  if (name.split('/').length - 1 > MAX_PARAMETER_LEVELS) {
    throw new ConfigError(`${label} is deeper than the ${MAX_PARAMETER_LEVELS} levels SSM allows, got "${name}"`);
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw new ConfigError(`${label} must not start with "aws" or "ssm" (reserved by SSM), got "${name}": ${PARAMETER_NAME_FIX}`);
  }
  return name;
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A Secrets Manager secret name, or (unless `nameOnly`) a secret ARN. */
export function checkSecretId(label: string, value: string, options: { nameOnly?: boolean } = {}): string {
  if (options.nameOnly === true) {
    if (value.startsWith('arn:') || !SECRET_NAME.test(value)) {
      throw new ConfigError(`${label} must be the name (not the ARN) of an existing Secrets Manager secret, got "${shown(value)}"`);
    }
    return value;
  }
  if (!SECRET_NAME.test(value) && !SECRET_ARN.test(value)) {
    throw new ConfigError(`${label} must be a secret name (letters, digits and /_+=.@-) or a secret ARN, got "${shown(value)}"`);
  }
  return value;
}

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,100}$/;
const KMS_ALIAS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/[A-Za-z0-9/_-]{1,250}$/;
const KMS_KEY_ID = /^[A-Za-z0-9-]{1,100}$/;
const KMS_ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;

/** The four forms SSM accepts for KeyId: key id, key ARN, alias name, alias ARN. */
export function checkKmsKeyId(label: string, value: string): string {
  if ([KMS_KEY_ID, KMS_KEY_ARN, KMS_ALIAS, KMS_ALIAS_ARN].some((form) => form.test(value))) return value;
  throw new ConfigError(`${label} must be a KMS key id, key ARN, alias name (alias/...) or alias ARN, got "${shown(value)}"`);
}

/** A key ARN only: IAM policies that grant use of a key need the key's ARN, not an alias or id. */
export function checkKmsKeyArn(label: string, value: string): string {
  if (KMS_KEY_ARN.test(value)) return value;
  throw new ConfigError(
    `${label} must be the ARN of a KMS key (not an alias, not a key id: IAM policies need the key ARN), got "${shown(value)}"`,
  );
}

/** A whole number within [min, max], from a number (props) or from text (environment, context, flags). */
export function checkWholeNumber(label: string, value: number | string, min: number, max: number): number {
  const number = typeof value === 'number' ? value : /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isInteger(number) && number >= min && number <= max) return number;
  const got = typeof value === 'number' ? String(value) : `"${shown(value)}"`;
  const sign = number < 0 && min >= 0 ? ' (a negative number)' : '';
  throw new ConfigError(`${label} must be a whole number from ${min} to ${max}, got ${got}${sign}`);
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Whole seconds (`900`) or hours/minutes/seconds (`2h`, `15m`, `1h30m`, `90s`); returns seconds. */
export function parseDurationSeconds(label: string, text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const match = DURATION.exec(text);
  if (text === '' || match === null) {
    const sign = /^-\d/.test(text) ? ' (a negative duration)' : '';
    throw new ConfigError(`${label} must be a duration such as 15m, 1h30m, 90s or 900 (seconds), got "${shown(text)}"${sign}`);
  }
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

const RATE = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/;
const UNIT_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;

/**
 * The interval of a `rate(N minutes|hours|days)` schedule expression in seconds, or undefined when
 * the expression is not a rate (a `cron(...)` has no single interval).
 */
export function rateIntervalSeconds(expression: string): number | undefined {
  const match = RATE.exec(expression.trim());
  if (match === null) return undefined;
  const unit = match[2]!.replace(/s$/, '') as keyof typeof UNIT_SECONDS;
  return Number(match[1]) * UNIT_SECONDS[unit];
}

/** A six-field `cron(minutes hours day-of-month month day-of-week year)` expression (EventBridge Scheduler). */
export function isCronExpression(expression: string): boolean {
  return /^cron\(\s*\S+(\s+\S+){5}\s*\)$/.test(expression.trim());
}

/** Long or odd values are cut in messages: a message is one readable line. */
function shown(value: string): string {
  return value.length > 120 ? `${value.slice(0, 120)}...` : value;
}
