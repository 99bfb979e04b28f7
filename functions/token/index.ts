export { LEGACY_TOKEN_STATE_CODES, type LegacyTokenStateCode, TokenDocumentError, type TokenStateCode } from './errors.js';
export {
  decideRefresh,
  type RefreshDecision,
  type RefreshDecisionOptions,
  type RefreshReason,
  type SkipReason,
  type StoredTokenState,
  shouldPublish,
  tokenStateOf,
} from './refresh-decision.js';
export {
  createTokenDocument,
  documentProblemAt,
  MAX_ISSUED_AHEAD_SECONDS,
  parseTokenDocument,
  remainingLifetimeSeconds,
  serializeTokenDocument,
  type TokenDocument,
} from './token-document.js';
