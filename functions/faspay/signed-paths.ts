import { TOKEN_PATH } from './headers.js';

/**
 * The SendMe service paths Faspay's official SDKs call, in the order a probe tries them as the
 * signed path of a token request (the SDKs sign the path of the call the token is for; transfer is
 * their first example, the balance inquiry the read-only call a probe makes next).
 */
export const SENDME_SERVICE_PATHS = [
  '/account/api/transfer',
  '/account/api/balance_inquiry',
  '/account/api/inquiry_name',
  '/account/api/inquiry_status',
  '/account/api/mutasi',
  '/account/api/register',
  '/account/api/register/confirm',
] as const;

/**
 * What a token request may sign as its path, in the order to try them: the documented token path
 * (this project's default), then the next-service paths the SDKs sign. Which one Faspay accepts is
 * not public (docs/protocol.md); `faspay-token probe` settles it against the real service.
 */
export const SIGNED_PATH_VARIANTS: readonly string[] = [TOKEN_PATH, ...SENDME_SERVICE_PATHS];
