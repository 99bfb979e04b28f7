import { createFaspayCipher, type FaspayCipher } from './cipher.js';
import type { FaspayCredentials } from './credentials.js';
import { buildStringToSign, type HttpMethod, serviceCallTokenField, tokenRequestTokenField } from './signature.js';

export const TOKEN_PATH = '/account/api/tokens';

/** The four `faspay-*` headers and `Content-Type` (every SDK sends it, even on GET). */
export interface FaspayHeaders {
  readonly 'faspay-key': string;
  readonly 'faspay-timestamp': string;
  readonly 'faspay-authorization': string;
  readonly 'faspay-signature': string;
  readonly 'Content-Type': 'application/json';
}

/**
 * Signs requests for one credential set. The cipher and the (constant) authorization header are
 * computed once, because ENC is deterministic for a credential set.
 */
export interface FaspaySigner {
  /** Headers for `GET /account/api/tokens`. `signedPath` defaults to the token path. */
  tokenRequestHeaders(timestamp: string, signedPath?: string): FaspayHeaders;
  /** Headers for a SendMe service call made with `accessToken`. */
  serviceCallHeaders(method: HttpMethod, path: string, timestamp: string, accessToken: string): FaspayHeaders;
}

export function createFaspaySigner(credentials: FaspayCredentials): FaspaySigner {
  const cipher: FaspayCipher = createFaspayCipher(credentials.faspay_secret, credentials.iv);
  const authorization = cipher.encrypt(`${credentials.app_key}:${credentials.app_secret}`);
  const tokenField = tokenRequestTokenField(credentials);
  const headers = (timestamp: string, stringToSign: string): FaspayHeaders => ({
    'faspay-key': credentials.faspay_key,
    'faspay-timestamp': timestamp,
    'faspay-authorization': authorization,
    'faspay-signature': cipher.encrypt(stringToSign),
    'Content-Type': 'application/json',
  });
  return {
    tokenRequestHeaders(timestamp, signedPath = TOKEN_PATH) {
      return headers(timestamp, buildStringToSign({ method: 'GET', path: signedPath, timestamp, token: tokenField }));
    },
    serviceCallHeaders(method, path, timestamp, accessToken) {
      const token = serviceCallTokenField(credentials, accessToken);
      return headers(timestamp, buildStringToSign({ method, path, timestamp, token }));
    },
  };
}
