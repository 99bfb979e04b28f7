import type { FaspayCredentials } from '../../../functions/faspay/index.js';
import type { Random } from '../../../soak/random.js';

/** Visible ASCII that an HTTP header value can carry (faspay_key is sent verbatim). */
const HEADER_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/=!#$%&*';
/** Everything else only travels encrypted or encoded, so it may hold what escaping and encoding change. */
const ANY_TEXT = `${HEADER_SAFE} "\\:?@[]{}é✓ü`;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function text(random: Random, alphabet: string, min: number, max: number): string {
  const chars = [...alphabet];
  return Array.from({ length: random.integer(min, max) }, () => random.pick(chars)).join('');
}

/** A credential set no test has seen before, with characters that JSON, base64 and URLs treat specially. */
export function randomCredentials(random: Random): FaspayCredentials {
  return {
    faspay_key: text(random, HEADER_SAFE, 10, 32),
    faspay_secret: text(random, ANY_TEXT, 10, 40),
    app_key: text(random, ANY_TEXT, 8, 24),
    app_secret: text(random, ANY_TEXT, 10, 40),
    client_key: text(random, ANY_TEXT, 8, 24),
    client_secret: text(random, ANY_TEXT, 10, 40),
    iv: text(random, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 8, 16),
  };
}

/** An opaque token shaped like Faspay's (standard base64, about 684 characters). */
export function randomToken(random: Random): string {
  const body = text(random, BASE64, 680, 684);
  return `${body.slice(0, body.length - (body.length % 4))}`;
}
