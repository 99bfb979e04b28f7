/** The Faspay SendMe protocol: pure functions, no AWS, no I/O, no clock. */
export { createFaspayCipher, deriveFaspayIv, deriveFaspayKey, type FaspayCipher } from './cipher.js';
export {
  CREDENTIAL_KEYS,
  parseFaspayCredentials,
  parseFaspayCredentialsJson,
  type FaspayCredentials,
} from './credentials.js';
export { CredentialsInvalidError, FaspayConfigError, FaspayError, type FaspayErrorCode } from './errors.js';
export { createFaspaySigner, TOKEN_PATH, type FaspayHeaders, type FaspaySigner } from './headers.js';
export {
  FASPAY_PRODUCTION_BASE_URL,
  FASPAY_SANDBOX_BASE_URL,
  faspayUrl,
  parseFaspayBaseUrl,
  parseSignedPath,
} from './base-url.js';
export {
  buildStringToSign,
  parseStringToSign,
  serviceCallTokenField,
  tokenRequestTokenField,
  type HttpMethod,
  type StringToSignFields,
} from './signature.js';
export {
  assertTimeZone,
  DEFAULT_FASPAY_TIME_ZONE,
  formatFaspayTimestamp,
  parseFaspayTimestamp,
} from './timestamp.js';
export {
  MAX_ACCESS_TOKEN_LENGTH,
  MAX_TOKEN_LIFETIME_SECONDS,
  parseTokenResponse,
  type RawHttpAnswer,
  type TokenGrant,
} from './token-response.js';
