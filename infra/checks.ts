import { Duration, Token } from 'aws-cdk-lib';
import { assertTimeZone, parseFaspayBaseUrl, parseSignedPath } from '../functions/faspay/index.js';
import { InfraConfigError } from './errors.js';

/*
 * Synth-time checks of the construct's props. Each one throws an InfraConfigError that names the
 * prop, shows the value and says the fix. The URL, signed-path and time-zone rules are the
 * function's own (functions/faspay), so synth rejects exactly what the function would reject at
 * cold start.
 */

/** https only, except http on loopback hosts (the local simulator); no query, fragment or user info. */
export function checkBaseUrl(prop: string, value: string): string {
  const url = rethrow(prop, () => parseFaspayBaseUrl(value, `${prop} ("${value}")`));
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

export function checkSignedPath(prop: string, value: string): string {
  return rethrow(prop, () => parseSignedPath(value, prop));
}

export function checkTimeZone(prop: string, value: string): string {
  rethrow(prop, () => assertTimeZone(value));
  return value;
}

/**
 * SSM's naming rules plus the one that keeps the ARN exact: a name with a `/` must be a full path
 * (`/a/b`), so its ARN is `...:parameter/a/b` with exactly one slash after `parameter`.
 */
export function checkParameterName(prop: string, name: string): string {
  const fix = 'use a plain name (faspay-token) or a path that starts with "/" (/faspay/sendme/access-token)';
  if (Token.isUnresolved(name)) {
    throw new InfraConfigError(`${prop} must be a literal string, not a token: the parameter ARN is built from it at synth time`);
  }
  if (!/^[A-Za-z0-9_.\-/]{1,900}$/.test(name)) {
    throw new InfraConfigError(`${prop} may contain only letters, digits and _ . - / (1-900 characters), got "${name}": ${fix}`);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw new InfraConfigError(`${prop} contains "/" but does not start with "/", got "${name}": ${fix}`);
  }
  if (name.includes('//') || (name.length > 1 && name.endsWith('/')) || name === '/') {
    throw new InfraConfigError(`${prop} has an empty path segment, got "${name}": ${fix}`);
  }
  if (name.split('/').length - 1 > 15) {
    throw new InfraConfigError(`${prop} is deeper than the 15 levels SSM allows, got "${name}"`);
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw new InfraConfigError(`${prop} must not start with "aws" or "ssm" (reserved by SSM), got "${name}": ${fix}`);
  }
  return name;
}

/** A duration in whole seconds within [min, max]; returns the seconds. */
export function checkDuration(prop: string, value: Duration, min: Duration, max: Duration): number {
  const ms = value.toMilliseconds();
  if (ms % 1000 !== 0) {
    throw new InfraConfigError(`${prop} must be a whole number of seconds, got ${value.toHumanString()}`);
  }
  if (ms < min.toMilliseconds() || ms > max.toMilliseconds()) {
    throw new InfraConfigError(
      `${prop} must be between ${min.toHumanString()} and ${max.toHumanString()}, got ${value.toHumanString()}`,
    );
  }
  return ms / 1000;
}

export function checkInteger(prop: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InfraConfigError(`${prop} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

export function checkEmail(prop: string, value: string): string {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new InfraConfigError(`${prop} must be an email address such as ops@example.com, got "${value}"`);
  }
  return value;
}

/**
 * The interval of a `rate(...)` schedule expression in seconds, or undefined for `cron(...)` and
 * other expressions, whose interval is not a single number.
 */
export function rateIntervalSeconds(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (match === null) return undefined;
  const unit = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 }[match[2] as 'minute'];
  return Number(match[1]) * unit;
}

function rethrow<T>(prop: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InfraConfigError(message.startsWith(prop) ? message : `${prop}: ${message}`, { cause: error });
  }
}
