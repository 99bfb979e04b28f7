export { LEGACY_TOKEN_STATE_CODES, TokenDocumentError, type LegacyTokenStateCode, type TokenStateCode } from './errors.js';
export {
  decideRefresh,
  shouldPublish,
  tokenStateOf,
  type RefreshDecision,
  type RefreshDecisionOptions,
  type RefreshReason,
  type SkipReason,
  type StoredTokenState,
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
