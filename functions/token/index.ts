export { LEGACY_TOKEN_STATE_CODES, type LegacyTokenStateCode, TokenDocumentError, type TokenStateCode } from './errors.js';
export {
  decideRefresh,
  type RefreshDecision,
  type RefreshDecisionOptions,
  type RefreshReason,
  replacementRequested,
  type SkipReason,
  type StoredTokenState,
  shouldPublish,
  tokenStateOf,
} from './refresh-decision.js';
export { readTokenState, type StoredRecord, type TokenSource, type TokenStore } from './store.js';
export {
  copyTokenDocument,
  createTokenDocument,
  documentProblemAt,
  MAX_ISSUED_AHEAD_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  parseTokenDocument,
  remainingLifetimeSeconds,
  serializeTokenDocument,
  storedLifetimeSeconds,
  type TokenDocument,
  type TokenGrant,
} from './token-document.js';
