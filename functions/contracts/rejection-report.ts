/**
 * The channel through which consumers report a token that SendMe rejected. It is an EventBridge
 * event on the account's default bus, never a Lambda invoke: `events:PutEvents` can be limited to
 * this source and detail-type, while `lambda:InvokeFunction` would let a consumer send any event,
 * `{"force": true}` included. The refresher's rule matches the source, the detail-type and its own
 * parameter name, and the refresher only ever reads a rejection report out of such an event.
 *
 * This module is the contract between the consumer (sender), the construct (rule and grant) and the
 * refresher (receiver); it has no dependencies so that each can import it.
 */

/** `source` of a rejection report (custom sources must not start with `aws.`). */
export const REJECTION_REPORT_SOURCE = 'faspay-sendme.token-consumer';

/** `detail-type` of a rejection report. */
export const REJECTION_REPORT_DETAIL_TYPE = 'Faspay Token Rejected';

/**
 * Set on a consumer function by the construct's `grantReportRejection`: its presence tells the
 * consumer client that it may send reports, and its value is the event bus name.
 */
export const REJECTION_REPORT_BUS_ENV = 'FASPAY_TOKEN_REJECTION_BUS';

/**
 * The refresher's cooldown after a token is issued, in seconds (its setting REJECTION_COOLDOWN_SECONDS,
 * declared with this default and range in functions/contracts/settings.ts): a report inside it buys
 * nothing, so a consumer reports a version that stays refused once per cooldown by default.
 */
export const REJECTION_COOLDOWN_SECONDS = { default: 60, min: 0, max: 3600 } as const;

/** What a consumer reports: SendMe answered Unauthorized to the token stored as this version. */
export interface TokenRejectedReport {
  readonly parameterVersion: number;
}

/** The `detail` of a rejection report event. */
export interface RejectionReportDetail extends TokenRejectedReport {
  /** The token parameter the rejected token was read from; the refresher's rule matches on it. */
  readonly parameterName: string;
}
