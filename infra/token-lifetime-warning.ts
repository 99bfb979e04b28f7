import { Annotations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DOCUMENTED_TOKEN_LIFETIME_SECONDS } from '../functions/faspay/token-response.js';
import type { RefresherSettings } from './token-refresher-settings.js';

export const SHORT_TOKEN_LIFETIME_WARNING = '@faspay-sendme/token-refresher:scheduleTooSlowForTokenLifetime';

/**
 * A token living less than two schedule intervals cannot be kept fresh: the refresher never counts
 * a token issued within the last interval as due (a duplicate delivery must not replace it again),
 * so such a token spends part of every interval past its refresh time, or expires before the next
 * run. The token's lifetime is Faspay's to choose; this warns when the schedule is too slow for the
 * lifetime Faspay documents.
 */
export function warnOnShortTokenLifetimes(scope: IConstruct, settings: RefresherSettings): void {
  const intervalSeconds = settings.scheduleIntervalSeconds;
  if (intervalSeconds === 0 || 2 * intervalSeconds <= DOCUMENTED_TOKEN_LIFETIME_SECONDS) return;
  Annotations.of(scope).addWarningV2(
    SHORT_TOKEN_LIFETIME_WARNING,
    `the schedule runs every ${intervalSeconds} s, so it cannot keep a token living less than ${2 * intervalSeconds} s fresh, ` +
      `and Faspay documents tokens of ${DOCUMENTED_TOKEN_LIFETIME_SECONDS} s: run the schedule at least every ${DOCUMENTED_TOKEN_LIFETIME_SECONDS / 2} s`,
  );
}
