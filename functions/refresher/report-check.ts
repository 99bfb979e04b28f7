import type { StoredTokenState, TokenDocument } from '../token/index.js';
import type { TokenCheck, TokenRequests } from './ports.js';
import { RESERVED_FOR_STORE_MS, type RefreshBudget } from './token-request.js';

/** Shortest check of a reported token worth making; with less time left the report stands unchecked. */
const MIN_CHECK_MS = 500;

/**
 * One run's checks of a reported token: one signed read-only call of the refresher's own before a
 * token is bought for a report. A check that fails (network, 5xx) confirms the report, as issue 15
 * rules; but SendMe and the token endpoint tend to be out together, so while the last check was
 * inconclusive each retried token request is preceded by another check (`stillWanted`): a token
 * SendMe accepts once it answers again is not replaced.
 */
export function createReportCheck(deps: {
  readonly open: () => Promise<TokenRequests>;
  readonly clock: () => Date;
  readonly httpTimeoutMs: number;
  readonly budget: RefreshBudget;
  /** Where each check's answer goes: the run reports the last one. */
  readonly notes: { reportCheck?: TokenCheck };
}) {
  let unsettled: TokenDocument | undefined;

  /** Whether SendMe accepts the reported token after all. */
  async function refutes(document: TokenDocument): Promise<boolean> {
    const requests = await deps.open();
    const timeoutMs = Math.min(deps.httpTimeoutMs, deps.budget.remainingTimeMs() - RESERVED_FOR_STORE_MS);
    if (requests.check === undefined || timeoutMs < MIN_CHECK_MS) return false;
    const check = await requests.check(document.accessToken, deps.clock(), timeoutMs).catch(() => 'inconclusive' as const);
    deps.notes.reportCheck = check;
    unsettled = check === 'inconclusive' ? document : undefined;
    return check === 'accepted';
  }

  return {
    refutes,
    /** The token stored now: an inconclusive check of another token says nothing about it. */
    stored(state: StoredTokenState): void {
      if (state.kind !== 'valid' || state.document.accessToken !== unsettled?.accessToken) unsettled = undefined;
    },
    /** Asked before each retried token request: false when a re-check found the token accepted. */
    async stillWanted(): Promise<boolean> {
      return unsettled === undefined || !(await refutes(unsettled));
    },
  };
}
