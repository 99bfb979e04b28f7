export { TokenDocumentError } from './errors.js';
export {
  decideRefresh,
  shouldPublish,
  type RefreshDecision,
  type RefreshDecisionOptions,
  type RefreshReason,
  type StoredTokenState,
} from './refresh-decision.js';
export {
  createTokenDocument,
  parseTokenDocument,
  remainingLifetimeSeconds,
  serializeTokenDocument,
  type TokenDocument,
} from './token-document.js';
