import { CredentialsInvalidError } from './errors.js';

/** The credential set Faspay issues to a merchant (see docs/protocol.md). */
export interface FaspayCredentials {
  /** Sent verbatim in the `faspay-key` header. */
  readonly faspay_key: string;
  /** The only crypto key: the AES key and (with `iv`) the AES IV are derived from it. */
  readonly faspay_secret: string;
  readonly app_key: string;
  readonly app_secret: string;
  readonly client_key: string;
  readonly client_secret: string;
  /** A short ASCII word (not hex) mixed into the IV derivation. */
  readonly iv: string;
}

export const CREDENTIAL_KEYS = [
  'faspay_key',
  'faspay_secret',
  'app_key',
  'app_secret',
  'client_key',
  'client_secret',
  'iv',
] as const satisfies readonly (keyof FaspayCredentials)[];

/** Keys sent verbatim in a header: a newline or a non-ASCII character would fail every request. */
const SENT_AS_HEADER: ReadonlySet<string> = new Set(['faspay_key']);
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * Parses a secret's text (JSON) into credentials. Extra keys such as `virtual_account` are ignored.
 * Errors name the keys at fault and how they are wrong, never a value.
 */
export function parseFaspayCredentialsJson(text: string, source = 'the credentials secret'): FaspayCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CredentialsInvalidError(`${source} is not JSON: expected an object with the string keys ${CREDENTIAL_KEYS.join(', ')}`);
  }
  return parseFaspayCredentials(value, source);
}

export function parseFaspayCredentials(value: unknown, source = 'the credentials secret'): FaspayCredentials {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CredentialsInvalidError(`${source} must be a JSON object with the string keys ${CREDENTIAL_KEYS.join(', ')}`);
  }
  const record = value as Record<string, unknown>;
  const missing: string[] = [];
  const notString: string[] = [];
  const empty: string[] = [];
  const padded: string[] = [];
  const notHeaderSafe: string[] = [];
  for (const key of CREDENTIAL_KEYS) {
    const field = record[key];
    if (field === undefined || field === null) missing.push(key);
    else if (typeof field !== 'string') notString.push(key);
    else if (field.trim() === '') empty.push(key);
    // A space or newline pasted with a value changes the signature (or the AES key) and would
    // surface only as Faspay's Unauthorized; refuse it here, naming the key.
    else if (field !== field.trim()) padded.push(key);
    else if (SENT_AS_HEADER.has(key) && !HEADER_SAFE.test(field)) notHeaderSafe.push(key);
  }
  const problems = [
    missing.length > 0 ? `missing: ${missing.join(', ')}` : '',
    notString.length > 0 ? `not a string: ${notString.join(', ')}` : '',
    empty.length > 0 ? `empty: ${empty.join(', ')}` : '',
    padded.length > 0 ? `leading or trailing whitespace: ${padded.join(', ')}` : '',
    notHeaderSafe.length > 0 ? `not printable ASCII without spaces (sent as an HTTP header): ${notHeaderSafe.join(', ')}` : '',
  ].filter((problem) => problem !== '');
  if (problems.length > 0) {
    throw new CredentialsInvalidError(`${source} has invalid keys (${problems.join('; ')})`, [
      ...missing,
      ...notString,
      ...empty,
      ...padded,
      ...notHeaderSafe,
    ]);
  }
  const credentials = {} as Record<(typeof CREDENTIAL_KEYS)[number], string>;
  for (const key of CREDENTIAL_KEYS) credentials[key] = record[key] as string;
  return credentials;
}
