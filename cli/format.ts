import { createHash } from 'node:crypto';
import { CREDENTIAL_KEYS, type FaspayCredentials } from '../functions/faspay/index.js';

/**
 * What the CLI shows instead of a token or a credential set: the first 12 hex characters of a
 * SHA-256. Enough to tell two tokens apart or to match one across tools, useless to an attacker.
 */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12);
}

/** One fingerprint for a whole credential set: it changes when any of the seven values changes (rotation). */
export function credentialsFingerprint(credentials: FaspayCredentials): string {
  return fingerprint(JSON.stringify(CREDENTIAL_KEYS.map((key) => credentials[key])));
}

export interface TokenFacts {
  readonly fingerprint: string;
  readonly length: number;
}

export function tokenFacts(accessToken: string): TokenFacts {
  return { fingerprint: fingerprint(accessToken), length: accessToken.length };
}

/** `2026-11-25T10:30:00Z`: UTC, no milliseconds. */
export function isoSeconds(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `9h 58m`, `4m 5s`, `37s`: a span for people, rounded down to what matters. */
export function formatSpan(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

/** `in 9h 58m` or `3m 2s ago`, relative to `now`. */
export function relative(instant: Date, now: Date): string {
  const seconds = (instant.getTime() - now.getTime()) / 1000;
  return seconds >= 0 ? `in ${formatSpan(seconds)}` : `${formatSpan(-seconds)} ago`;
}

/** `label          text`: the aligned two-column lines of human output. */
export function line(label: string, text: string): string {
  return `  ${label.padEnd(15)}${text}\n`;
}
