import {
  createFaspaySigner,
  deriveFaspayIv,
  deriveFaspayKey,
  type FaspayCredentials,
  formatFaspayTimestamp,
} from '../../../functions/faspay/index.js';
import { leakForms } from '../../support/output-capture.js';

/**
 * Every form in which a secret could appear in text: as is, base64 and URL-encoded (the shared
 * leakForms), plus JSON-escaped (a log line escapes quotes and backslashes) and base64url.
 */
export function strictLeakForms(secret: string): string[] {
  const forms = new Set([...leakForms(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret, 'utf8').toString('base64url')]);
  return [...forms];
}

/** The secrets (in any form) that occur in `haystack`. Secrets shorter than 6 characters are skipped. */
export function findStrictLeaks(haystack: string, secrets: readonly string[]): string[] {
  return secrets
    .filter((secret) => secret.length >= 6)
    .flatMap((secret) => strictLeakForms(secret).filter((form) => haystack.includes(form)));
}

/**
 * Tokens are long: a log line could carry a slice of one without carrying it whole. Reports every
 * `window`-character run of any token found in `haystack`.
 */
export function findTokenFragments(haystack: string, tokens: readonly string[], window = 24): string[] {
  const fragments = new Set<string>();
  for (const token of tokens) for (let i = 0; i + window <= token.length; i++) fragments.add(token.slice(i, i + window));
  const found = new Set<string>();
  for (let i = 0; i + window <= haystack.length; i++) {
    const slice = haystack.slice(i, i + window);
    if (fragments.has(slice)) found.add(slice);
  }
  return [...found];
}

/**
 * What is as secret as the credentials themselves: the pairs that get encrypted or encoded, the
 * constant authorization header, the derived AES key and IV, and the signature of every token
 * request that could have been signed between `from` and `to` (one per second).
 */
export function derivedSecrets(credentials: FaspayCredentials, from: Date, to: Date): string[] {
  const signer = createFaspaySigner(credentials);
  const key = deriveFaspayKey(credentials.faspay_secret);
  const derived = [
    `${credentials.app_key}:${credentials.app_secret}`,
    `${credentials.client_key}:${credentials.client_secret}`,
    key.toString('hex'),
    key.toString('base64'),
    deriveFaspayIv(credentials.faspay_secret, credentials.iv).toString('ascii'),
  ];
  for (let second = Math.floor(from.getTime() / 1000); second <= Math.ceil(to.getTime() / 1000); second++) {
    const headers = signer.tokenRequestHeaders(formatFaspayTimestamp(new Date(second * 1000)));
    derived.push(headers['faspay-authorization'], headers['faspay-signature']);
  }
  return [...new Set(derived)];
}
