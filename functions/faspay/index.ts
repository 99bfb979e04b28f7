/** The Faspay SendMe protocol: pure functions, no AWS, no I/O, no clock. */

export {
  FASPAY_PRODUCTION_BASE_URL,
  FASPAY_SANDBOX_BASE_URL,
  faspayUrl,
  parseFaspayBaseUrl,
  parseSignedPath,
} from './base-url.js';
export { createFaspayCipher, deriveFaspayIv, deriveFaspayKey, type FaspayCipher } from './cipher.js';
export {
  CREDENTIAL_KEYS,
  type FaspayCredentials,
  parseFaspayCredentials,
  parseFaspayCredentialsJson,
} from './credentials.js';
export { CredentialsInvalidError, FaspayError, type FaspayErrorCode } from './errors.js';
export { createFaspaySigner, type FaspayHeaders, type FaspaySigner, TOKEN_PATH } from './headers.js';
export { BALANCE_INQUIRY_PATH, faspayStatusOf, isUnauthorizedAnswer } from './service-answer.js';
export {
  buildStringToSign,
  type HttpMethod,
  parseStringToSign,
  type StringToSignFields,
  serviceCallTokenField,
  tokenRequestTokenField,
} from './signature.js';
export {
  assertTimeZone,
  DEFAULT_FASPAY_TIME_ZONE,
  formatFaspayTimestamp,
  parseFaspayTimestamp,
} from './timestamp.js';
export {
  MAX_ACCESS_TOKEN_LENGTH,
  parseTokenResponse,
  type RawHttpAnswer,
} from './token-response.js';
