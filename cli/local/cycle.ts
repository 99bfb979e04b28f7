import type { TokenRejectedReport } from '../../functions/contracts/rejection-report.js';
import { type RefresherConfig, refresherConfigOf } from '../../functions/contracts/settings.js';
import { faspayUrl, formatFaspayTimestamp, TOKEN_PATH } from '../../functions/faspay/index.js';
import { composeRefresher } from '../../functions/lambda/composition.js';
import type { RefreshOrder, RefreshSummary, RetryNotice } from '../../functions/refresher/refresh.js';
import type { RefreshDecision, StoredTokenState, TokenDocument } from '../../functions/token/index.js';
import { formatSpan, isoSeconds, line, relative, tokenFacts } from '../format.js';
import type { CliIo } from '../io.js';
import type { Reporter } from './reporter.js';
import type { LocalRig } from './rig.js';

/** What one cycle leaves behind: the summary, and the stored token's facts when one is stored. */
export interface CycleOutcome {
  readonly summary: RefreshSummary;
  readonly decision: RefreshDecision;
  readonly stored?: TokenDocument;
}

export interface LocalRefresher {
  /** One run of the use case, reporting each step as it happens; rejects with the run's coded error. */
  runCycle(force: boolean): Promise<CycleOutcome>;
  /** A consumer's rejection report, handled as the deployed refresher handles one from its rule. */
  runReport(report: TokenRejectedReport): Promise<CycleOutcome>;
}

/** Time a local cycle may take, retries included (the Lambda gets its own timeout instead). */
const CYCLE_BUDGET_MS = 60_000;

/** The settings a local run chooses itself; every other one is the function's declared default. */
export type LocalSettings = Partial<Pick<RefresherConfig, 'refreshBeforeExpirySeconds' | 'rejectionCooldownSeconds'>>;

/**
 * The refresher the Lambda runs (the one composition root, functions/lambda/composition.ts) over the
 * rig's parts, watched through the use case's observer: the decision it made, the token request,
 * retries, the write.
 */
export function createLocalRefresher(
  rig: LocalRig,
  io: CliIo,
  reporter: Reporter,
  options: {
    readonly settings: LocalSettings;
    /** Show "skip" decisions on the live line (the watch countdown on a terminal). */
    readonly liveSkips: boolean;
  },
): LocalRefresher {
  let cycle: { decided?: RefreshDecision; stored?: TokenDocument } = {};
  const tokenUrl = faspayUrl(rig.faspayBaseUrl, TOKEN_PATH).href;
  const config = refresherConfigOf({
    faspayBaseUrl: rig.faspayBaseUrl,
    credentialsSecretId: rig.credentialsSecretId,
    tokenParameterName: rig.parameterName,
    ...options.settings,
  });

  const { refresher } = composeRefresher(config, {
    ...rig.overrides,
    clock: io.clock,
    sleep: (ms) => io.sleep(ms),
    onRetry: (notice) => reportRetry(reporter, notice),
    observer: {
      decided(state, decision) {
        cycle.decided = decision;
        reportDecision(reporter, state, decision, io.clock(), options.liveSkips);
      },
      requesting(requestedAt) {
        const timestamp = formatFaspayTimestamp(requestedAt, config.timeZone);
        reporter.step(
          'token-request',
          { url: tokenUrl, timestamp },
          line('token request', `GET ${tokenUrl} (signed, faspay-timestamp ${timestamp} ${config.timeZone})`),
        );
      },
      granted(expiresInSeconds) {
        reporter.step(
          'token-granted',
          { expiresInSeconds },
          line('token granted', `expired_in ${expiresInSeconds} s (${formatSpan(expiresInSeconds)})`),
        );
      },
      stored(document, version) {
        cycle.stored = document;
        reportStored(reporter, document, version, io.clock());
      },
    },
  });

  async function run(order: RefreshOrder): Promise<CycleOutcome> {
    cycle = {};
    const deadline = Date.now() + CYCLE_BUDGET_MS;
    const result = await refresher.refresh(order, { remainingTimeMs: () => deadline - Date.now() });
    if (!result.ok) throw result.error;
    const { summary } = result;
    if (summary.reason === 'superseded') {
      reporter.step(
        'superseded',
        { ...summary },
        line('not stored', 'a concurrent run stored a token issued later meanwhile; it was kept'),
      );
    }
    return {
      summary,
      decision: cycle.decided ?? { refresh: true, reason: 'forced' },
      ...(cycle.stored === undefined ? {} : { stored: cycle.stored }),
    };
  }

  return {
    runCycle: (force) => run({ force }),
    runReport: (report) => run({ force: false, trigger: 'rejection', tokenRejected: report }),
  };
}

const WHY: Record<RefreshDecision['reason'], string> = {
  forced: 'forced (--force)',
  missing: 'missing: nothing stored yet',
  invalid: 'invalid: the stored value is not a usable token document',
  expired: 'expired: the stored token is past its expiry',
  due: 'due: the stored token is past its refresh time',
  rejected: 'rejected: a consumer reported the stored token rejected',
  fresh: 'fresh',
  'report-outdated': 'report outdated: the reported version was replaced already',
  cooldown: 'cooldown: the reported token was issued too recently',
};

function reportDecision(reporter: Reporter, state: StoredTokenState, decision: RefreshDecision, now: Date, liveSkips: boolean): void {
  const stored =
    state.kind === 'valid'
      ? { version: state.version, refreshAt: isoSeconds(state.document.refreshAt), expiresAt: isoSeconds(state.document.expiresAt) }
      : {};
  const text = decision.refresh
    ? `refresh (${WHY[decision.reason]})`
    : decision.reason !== 'fresh'
      ? `skip (${WHY[decision.reason]}; version ${state.kind === 'valid' ? state.version : '?'} stays, no token requested)`
      : `skip (${WHY.fresh}: version ${state.kind === 'valid' ? state.version : '?'} is good until its refresh time${
          state.kind === 'valid' ? `, ${relative(state.document.refreshAt, now)}` : ''
        })`;
  if (liveSkips && !decision.refresh && reporter.interactive) reporter.live(`${isoSeconds(now)} decision: ${text}`);
  else
    reporter.step(
      'decision',
      { refresh: decision.refresh, reason: decision.reason, stored: state.kind, ...stored },
      line('decision', text),
    );
}

function reportStored(reporter: Reporter, document: TokenDocument, version: number, now: Date): void {
  const token = tokenFacts(document.accessToken);
  reporter.step(
    'stored',
    {
      version,
      token,
      issuedAt: isoSeconds(document.issuedAt),
      refreshAt: isoSeconds(document.refreshAt),
      expiresAt: isoSeconds(document.expiresAt),
    },
    line('stored', `version ${version}, token sha256 ${token.fingerprint}… (${token.length} chars)`) +
      line(
        '',
        `expires ${isoSeconds(document.expiresAt)} (${relative(document.expiresAt, now)}), refresh at ${isoSeconds(document.refreshAt)} (${relative(document.refreshAt, now)})`,
      ),
  );
}

function reportRetry(reporter: Reporter, notice: RetryNotice): void {
  reporter.step(
    'retry',
    { attempt: notice.attempt, delayMs: notice.delayMs, code: notice.error.code, message: notice.error.message },
    line(
      'retry',
      `attempt ${notice.attempt} failed (${notice.error.code}: ${notice.error.message}); trying again in ${(notice.delayMs / 1000).toFixed(1)} s`,
    ),
  );
}
