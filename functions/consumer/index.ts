/**
 * The consumer's public surface: read the token the refresher publishes and sign SendMe service
 * calls with it. Importing this module loads the SSM client and the protocol module only: the
 * credentials secret and rejection reports go out as calls signed with the SSM client's configuration
 * (functions/consumer/aws-clients.ts), so no Secrets Manager or EventBridge client is bundled.
 */

export { REJECTION_REPORT_BUS_ENV, type TokenRejectedReport } from '../contracts/rejection-report.js';
export type { FaspayCredentials, FaspayHeaders, HttpMethod } from '../faspay/index.js';
export { type CodedError, isCodedError } from '../shared/coded-error.js';
export { ConfigError } from '../shared/config-error.js';
export { DEFAULT_MAX_JITTER_SECONDS, MIN_REREAD_AFTER_UNAUTHORIZED_MS } from './cache-policy.js';
export { type FaspayTokenProviderErrorCode, TokenProviderError } from './errors.js';
export type { ConsumerToken, FaspayTokenProviderOptions, TokenSource } from './options.js';
export { DEFAULT_REPORT_COOLDOWN_SECONDS, REPORT_WAIT_MS, type TokenRejectedHook } from './rejection-reporting.js';
export {
  createSignedFaspayFetch,
  DEFAULT_SERVICE_TIMEOUT_MS,
  type SignedFaspayFetch,
  type SignedFaspayFetchOptions,
  type SignedRequestInit,
} from './signed-fetch.js';
export { createFaspayTokenProvider, type FaspayTokenProvider, type SignedCall } from './token-provider.js';
