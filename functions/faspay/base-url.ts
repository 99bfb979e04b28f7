import { ConfigError } from '../shared/config-error.js';

export const FASPAY_SANDBOX_BASE_URL = 'https://sendme-sandbox.faspay.co.id';
export const FASPAY_PRODUCTION_BASE_URL = 'https://sendme.faspay.co.id';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Parses a Faspay base URL. It must be https, except on loopback hosts (the local simulator and
 * tests): credentials-bearing headers must never cross a network in clear text.
 */
export function parseFaspayBaseUrl(text: string, name = 'the Faspay base URL'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${text}" (expected e.g. ${FASPAY_SANDBOX_BASE_URL})`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`${name} must not contain user information`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`${name} must not have a query or fragment: "${url.origin}${url.pathname}"`);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError(
      `${name} must use https (http is allowed only for localhost, 127.0.0.1 and [::1]): got "${url.protocol}//${url.host}"`,
    );
  }
  return url;
}

/** Joins a base URL (which may carry a path prefix) and an API path such as /account/api/tokens. */
export function faspayUrl(base: URL, path: string): URL {
  const prefix = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
  const url = new URL(base.href);
  url.pathname = `${prefix}${path}`;
  return url;
}

/** A signed path is an absolute path without query (the SDKs sign the bare service path). */
export function parseSignedPath(text: string, name = 'the signed path'): string {
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(text)) {
    throw new ConfigError(`${name} must be an absolute path such as /account/api/tokens, got "${text}"`);
  }
  return text;
}
