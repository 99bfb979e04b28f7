import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { RejectionReportSender } from '../adapters/rejection-reports.js';
import { REJECTION_REPORT_BUS_ENV, type TokenRejectedReport } from '../contracts/rejection-report.js';
import { isCodedError, thrownName } from '../shared/coded-error.js';
import { ConfigError } from '../shared/config-error.js';
import { lazyShared } from '../shared/lazy.js';

/** Told that SendMe refused the token stored as `report.parameterVersion`, after the re-read-and-retry. */
export type TokenRejectedHook = (report: TokenRejectedReport) => void | Promise<void>;

/**
 * Longest time a failing call waits for its report before handing SendMe's answer back; a slower
 * report goes on in the background (Lambda may freeze it until the next invocation).
 */
export const REPORT_WAIT_MS = 2000;

/** Event bus names and ARNs: letters, digits and `._-/:`, at most 1600 characters. */
const BUS_PATTERN = /^[A-Za-z0-9._\-/:]{1,1600}$/;

/**
 * The hook used when the caller gives none: a PutEvents report to the bus named by
 * FASPAY_TOKEN_REJECTION_BUS, which the construct's `grantReportRejection` sets together with the
 * permission to send exactly this kind of event. Without the variable, nothing is reported.
 */
export function defaultTokenRejectedHook(
  env: Readonly<Record<string, string | undefined>>,
  parameterName: string,
): TokenRejectedHook | undefined {
  const busName = env[REJECTION_REPORT_BUS_ENV]?.trim();
  if (busName === undefined || busName === '') return undefined;
  if (!BUS_PATTERN.test(busName)) {
    throw new ConfigError(`environment variable ${REJECTION_REPORT_BUS_ENV} must be an event bus name or ARN`);
  }
  const sender = lazyShared(() => loadSender(busName));
  return async ({ parameterVersion }) => {
    await (await sender()).send({ parameterName, parameterVersion });
  };
}

/**
 * Calls `hook` once per rejected version (versions only grow, so remembering the highest one
 * reported is enough): a thousand failing calls on one revoked token make one report. The hook's
 * failure is logged by code and class name only and never reaches the caller.
 */
export function createRejectionReporter(hook: TokenRejectedHook, parameterName: string): (parameterVersion: number) => Promise<void> {
  let highestReported = 0;
  return async (parameterVersion) => {
    if (parameterVersion <= highestReported) return;
    highestReported = parameterVersion;
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
    message: 'the rejected token could not be reported to the refresher; other calls keep failing until it is replaced',
    parameterName,
    parameterVersion,
    errorName,
    ...(isCodedError(error) ? { errorCode: error.code, ...error.details } : {}),
  };
  console.warn(JSON.stringify(line));
}

async function loadSender(busName: string): Promise<RejectionReportSender> {
  // Loaded only here, on the first report: a consumer whose token is never refused never loads EventBridge.
  const [{ createEventBridgeRejectionSender }, client] = await Promise.all([
    import('../adapters/rejection-reports.js'),
    defaultEventBridgeClient(),
  ]);
  return createEventBridgeRejectionSender(client, busName);
}

/** One client per container, created on first use (its endpoint and region come from the SDK's own configuration). */
const defaultEventBridgeClient = lazyShared<EventBridgeClient>(() =>
  import('../adapters/rejection-reports.js').then((adapter) => adapter.createDefaultEventBridgeClient()),
);
