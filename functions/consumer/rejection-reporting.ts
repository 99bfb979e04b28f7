import type { SSMClient } from '@aws-sdk/client-ssm';
import { borrowSsm, createAwsJsonCall, EVENTBRIDGE } from '../adapters/aws-json-call.js';
import { createEventBridgeRejectionSender } from '../adapters/rejection-reports.js';
import { REJECTION_COOLDOWN_SECONDS, REJECTION_REPORT_BUS_ENV, type TokenRejectedReport } from '../contracts/rejection-report.js';
import { isCodedError, thrownName } from '../shared/coded-error.js';
import { ConfigError } from '../shared/config-error.js';
import { MIN_REREAD_AFTER_UNAUTHORIZED_MS } from './cache-policy.js';

/** Told that SendMe refused the token stored as `report.parameterVersion`, after the re-read-and-retry. */
export type TokenRejectedHook = (report: TokenRejectedReport) => void | Promise<void>;

/**
 * Longest time a failing call waits for its report before handing SendMe's answer back; a slower
 * report (its retries included) goes on in the background (Lambda may freeze it until the next
 * invocation).
 */
export const REPORT_WAIT_MS = 2000;

/** Event bus names and ARNs: letters, digits and `._-/:`, at most 1600 characters. */
const BUS_PATTERN = /^[A-Za-z0-9._\-/:]{1,1600}$/;

/**
 * The hook used when the caller gives none: a PutEvents report to the bus named by
 * FASPAY_TOKEN_REJECTION_BUS, which the construct's `grantReportRejection` sets together with the
 * permission to send exactly this kind of event, signed with the configuration of the SSM client
 * the token is read with (its region is the token's, and the bus's). Without the variable, nothing
 * is reported.
 */
export function defaultTokenRejectedHook(
  env: Readonly<Record<string, string | undefined>>,
  parameterName: string,
  ssmClient: SSMClient,
): TokenRejectedHook | undefined {
  const busName = env[REJECTION_REPORT_BUS_ENV]?.trim();
  if (busName === undefined || busName === '') return undefined;
  if (!BUS_PATTERN.test(busName)) {
    throw new ConfigError(`environment variable ${REJECTION_REPORT_BUS_ENV} must be an event bus name or ARN`);
  }
  const sender = createEventBridgeRejectionSender(createAwsJsonCall(EVENTBRIDGE, borrowSsm(ssmClient)), busName);
  return ({ parameterVersion }) => sender.send({ parameterName, parameterVersion });
}

/**
 * How often one container reports a version that stays refused, by default: the refresher's own
 * default REJECTION_COOLDOWN_SECONDS. A report inside the refresher's cooldown buys nothing, and one
 * after it is what lets a token revoked soon after it was issued be replaced.
 */
export const DEFAULT_REPORT_COOLDOWN_SECONDS = REJECTION_COOLDOWN_SECONDS.default;

/** `reportCooldownSeconds` checked against the refresher's own range for its cooldown. */
export function reportCooldownMs(seconds: number = DEFAULT_REPORT_COOLDOWN_SECONDS): number {
  const { min, max } = REJECTION_COOLDOWN_SECONDS;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new ConfigError(`reportCooldownSeconds must be a whole number of seconds from ${min} to ${max}, got ${String(seconds)}`);
  }
  // Never more often than a container re-reads after Unauthorized: it could not see a replacement sooner.
  return Math.max(seconds * 1000, MIN_REREAD_AFTER_UNAUTHORIZED_MS);
}

/** Reports that the token stored as `parameterVersion` was refused at `refusedAt` (the provider's clock). */
export type RejectionReporter = (parameterVersion: number, refusedAt: Date) => Promise<void>;

/**
 * Calls `hook` when a version is first refused, and again for the same version at most once per
 * `cooldownMs` while it stays refused: a thousand failing calls on one revoked token make one report
 * per cooldown, and a report the refresher could not act on (its own cooldown, a lease held, a
 * failing refresh, a send that failed) is repeated instead of lost. Older versions than the last
 * one reported are never reported (versions only grow). The hook's failure is logged by code and
 * class name only and never reaches the caller.
 */
export function createRejectionReporter(hook: TokenRejectedHook, parameterName: string, cooldownMs: number): RejectionReporter {
  let last: { readonly version: number; readonly atMs: number } | undefined;
  return async (parameterVersion, refusedAt) => {
    const nowMs = refusedAt.getTime();
    // A clock that went back counts as still inside the cooldown.
    const reportedRecently = last !== undefined && parameterVersion === last.version && nowMs - last.atMs < cooldownMs;
    if (reportedRecently || (last !== undefined && parameterVersion < last.version)) return;
    last = { version: parameterVersion, atMs: nowMs };
    const sent = Promise.resolve()
      .then(() => hook({ parameterVersion }))
      .then(
        () => undefined,
        (error: unknown) => warnReportFailed(error, parameterName, parameterVersion),
      );
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, REPORT_WAIT_MS);
      timer.unref();
    });
    await Promise.race([sent, waited]);
    clearTimeout(timer);
  };
}

function warnReportFailed(error: unknown, parameterName: string, parameterVersion: number): void {
  // The hook may be the caller's own code: of its error, only a stable code and the class name are kept.
  const errorName = thrownName(error);
  const line = {
    level: 'WARN',
    message:
      'the rejected token could not be reported to the refresher; other calls keep failing until it is replaced, and it is reported again after the cooldown',
    parameterName,
    parameterVersion,
    errorName,
    ...(isCodedError(error) ? { errorCode: error.code, ...error.details } : {}),
  };
  console.warn(JSON.stringify(line));
}
