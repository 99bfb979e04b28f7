import {
  createFaspayCipher,
  type FaspayCredentials,
  formatFaspayTimestamp,
  parseFaspayTimestamp,
  parseStringToSign,
  type StringToSignFields,
  tokenRequestTokenField,
} from '../functions/faspay/index.js';

export type Verdict<T = StringToSignFields> = { readonly ok: true; readonly fields: T } | { readonly ok: false; readonly problem: string };

export interface VerifierOptions {
  readonly credentials: FaspayCredentials;
  readonly timeZone: string;
  /** Largest accepted difference between the header's timestamp and the server clock. */
  readonly maxSkewSeconds: number;
  readonly now: () => Date;
}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Checks `faspay-*` headers the way the SendMe server must: the key, the constant authorization,
 * and the signature, decrypted and checked field by field (method, path, timestamp equal to the
 * header and close to the server clock, token field, empty body field).
 */
export function createVerifier(options: VerifierOptions) {
  const cipher = createFaspayCipher(options.credentials.faspay_secret, options.credentials.iv);
  const expectedAuthorization = cipher.encrypt(`${options.credentials.app_key}:${options.credentials.app_secret}`);
  const expectedTokenRequestToken = tokenRequestTokenField(options.credentials);
  const serviceTokenPrefix = `${options.credentials.client_key}:${options.credentials.client_secret}:`;

  function verifyCommon(headers: HeaderBag, method: string): Verdict {
    const key = single(headers['faspay-key']);
    const timestamp = single(headers['faspay-timestamp']);
    const authorization = single(headers['faspay-authorization']);
    const signature = single(headers['faspay-signature']);
    if (key === undefined || timestamp === undefined || authorization === undefined || signature === undefined) {
      return { ok: false, problem: 'missing faspay-* header' };
    }
    if (key !== options.credentials.faspay_key) return { ok: false, problem: 'unknown faspay-key' };
    if (authorization !== expectedAuthorization) return { ok: false, problem: 'invalid faspay-authorization' };
    // Most requests are signed in the second they arrive: one formatting then settles it (parsing takes three).
    if (timestamp !== formatFaspayTimestamp(options.now(), options.timeZone)) {
      const instant = parseFaspayTimestamp(timestamp, options.timeZone);
      if (instant === undefined) return { ok: false, problem: 'faspay-timestamp is not YYYY-MM-DD HH:mm:ss' };
      if (Math.abs(options.now().getTime() - instant.getTime()) > options.maxSkewSeconds * 1000) {
        return { ok: false, problem: `faspay-timestamp is more than ${options.maxSkewSeconds} s from server time (${options.timeZone})` };
      }
    }
    let plaintext: string;
    try {
      plaintext = cipher.decrypt(signature);
    } catch {
      return { ok: false, problem: 'faspay-signature does not decrypt' };
    }
    const fields = parseStringToSign(plaintext);
    if (fields === undefined) return { ok: false, problem: 'faspay-signature is not METHOD:path:timestamp:token:body' };
    if (fields.method !== method) return { ok: false, problem: 'signed method does not match the request' };
    if (fields.timestamp !== timestamp) return { ok: false, problem: 'signed timestamp does not match faspay-timestamp' };
    if (fields.body !== '') return { ok: false, problem: 'signed body field is not empty' };
    return { ok: true, fields };
  }

  return {
    /** A token request; `acceptedPaths` are the signed paths the server takes. */
    verifyTokenRequest(headers: HeaderBag, acceptedPaths: ReadonlySet<string>): Verdict {
      const verdict = verifyCommon(headers, 'GET');
      if (!verdict.ok) return verdict;
      if (!acceptedPaths.has(verdict.fields.path)) return { ok: false, problem: 'signed path is not accepted' };
      if (verdict.fields.token !== expectedTokenRequestToken)
        return { ok: false, problem: 'signed token field is not base64(client_key:client_secret)' };
      return verdict;
    },
    /** A service call: the token field must carry an access token; the caller checks it was issued. */
    verifyServiceCall(headers: HeaderBag, method: string, path: string): Verdict<StringToSignFields & { accessToken: string }> {
      const verdict = verifyCommon(headers, method);
      if (!verdict.ok) return verdict;
      if (verdict.fields.path !== path) return { ok: false, problem: 'signed path does not match the request path' };
      const decoded = Buffer.from(verdict.fields.token, 'base64').toString('utf8');
      if (!decoded.startsWith(serviceTokenPrefix) || decoded.length === serviceTokenPrefix.length) {
        return { ok: false, problem: 'signed token field is not base64(client_key:client_secret:access_token)' };
      }
      return { ok: true, fields: { ...verdict.fields, accessToken: decoded.slice(serviceTokenPrefix.length) } };
    },
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
