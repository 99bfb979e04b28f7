import { type Duration, Token } from 'aws-cdk-lib';
import { ConfigError } from '../functions/shared/config-error.js';
import { checkWholeNumber } from '../functions/shared/validators.js';

/*
 * Synth-time checks of the construct's props. The rules are the function's own (its settings in
 * functions/contracts/settings.ts and the shared validators), so synth rejects exactly what the
 * function would reject at cold start; what is added here is only what props have and environment
 * variables do not (Durations, CDK tokens, an email address).
 */

/** A value the construct builds an ARN from at synth time must be a literal. */
export function checkLiteral(prop: string, value: string): string {
  if (Token.isUnresolved(value)) {
    throw new ConfigError(`${prop} must be a literal string, not a token: the parameter ARN is built from it at synth time`);
  }
  return value;
}

/** A duration in whole seconds within [min, max]; returns the seconds. */
export function checkDuration(prop: string, value: Duration, min: Duration, max: Duration): number {
  const ms = value.toMilliseconds();
  if (ms % 1000 !== 0) {
    throw new ConfigError(`${prop} must be a whole number of seconds, got ${value.toHumanString()}`);
  }
  if (ms < min.toMilliseconds() || ms > max.toMilliseconds()) {
    throw new ConfigError(`${prop} must be between ${min.toHumanString()} and ${max.toHumanString()}, got ${value.toHumanString()}`);
  }
  return ms / 1000;
}

export const checkInteger = checkWholeNumber;

export function checkEmail(prop: string, value: string): string {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new ConfigError(`${prop} must be an email address such as ops@example.com, got "${value}"`);
  }
  return value;
}
