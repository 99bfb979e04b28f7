import { EVENT_METRIC, METRIC, TOKEN_PARAMETER_DIMENSION } from '../contracts/telemetry.js';
import type { RefreshResult, RetryNotice } from '../refresher/refresh.js';
import type { CodedError } from '../shared/coded-error.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../token/index.js';
import type { RefreshRequest } from './event.js';
import { type Logger, Metrics, type MetricsConfig, MetricUnit } from './telemetry.js';

/** Dimensions: `service` (added as Powertools adds it) and `TokenParameter`, so several deployments can share an account. */
export function createMetrics(telemetry: MetricsConfig, tokenParameterName: string): Metrics {
  return new Metrics(telemetry, { [TOKEN_PARAMETER_DIMENSION]: tokenParameterName });
}

/** The fields of a coded error that are safe to log (they were built to be). */
export function errorFields(error: CodedError): Record<string, unknown> {
  return { errorCode: error.code, errorMessage: error.message, retryable: error.retryable, ...error.details };
}

/** What the request says about itself (never the raw event): on its outcome line, and at DEBUG before the refresh. */
function requestFields(request: RefreshRequest): Record<string, unknown> {
  return {
    trigger: request.trigger,
    force: request.force,
    ...(request.scheduledTime === undefined ? {} : { scheduledTime: request.scheduledTime }),
    ...(request.executionId === undefined ? {} : { executionId: request.executionId }),
    ...(request.tokenRejected === undefined ? {} : { rejectedVersion: request.tokenRejected.parameterVersion }),
  };
}

/** At DEBUG (a sampled invocation): a run that times out before its outcome is reported still shows what it was asked. */
export function reportRequest(logger: Logger, request: RefreshRequest): void {
  logger.debug('token refresh requested', requestFields(request));
}

/** One log line and one set of metrics per outcome. */
export function reportOutcome(logger: Logger, metrics: Metrics, request: RefreshRequest, result: RefreshResult): void {
  const trace = {
    ...requestFields(request),
    attempts: result.attempts,
    tokenRemainingSeconds: result.tokenRemainingSeconds,
    ...(result.reportCheck === undefined ? {} : { reportCheck: result.reportCheck }),
  };
  const refuted = result.ok && result.summary.reason === 'refuted';
  if (result.grantedSeconds !== undefined) {
    logger.warn('token granted for longer than the accepted maximum; stored with expiresAt capped', {
      grantedSeconds: result.grantedSeconds,
      storedSeconds: MAX_TOKEN_LIFETIME_SECONDS,
    });
  }
  if (refuted) {
    // Which consumer sent it is not known here, and no value of it is: the report only names a version.
    logger.warn(
      'rejection report refuted: SendMe accepts the stored token, so some consumer is misconfigured (its clock, time zone or credentials); no token was bought',
      { outcome: 'skipped', ...result.summary, ...trace },
    );
  } else if (result.ok) {
    logger.info(result.summary.refreshed ? 'token refreshed' : 'token refresh skipped', {
      outcome: result.summary.refreshed ? 'refreshed' : 'skipped',
      ...result.summary,
      ...trace,
    });
  } else {
    logger.error('token refresh failed', {
      outcome: 'failed',
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...errorFields(result.error),
      ...trace,
    });
  }
  metrics.addMetric(METRIC.remainingLifetime, MetricUnit.Seconds, result.tokenRemainingSeconds);
  metrics.addMetric(METRIC.refreshed, MetricUnit.Count, result.ok && result.summary.refreshed ? 1 : 0);
  metrics.addMetric(METRIC.failed, MetricUnit.Count, result.ok ? 0 : 1);
  metrics.addMetric(METRIC.reportRefuted, MetricUnit.Count, refuted ? 1 : 0);
  metrics.publishStoredMetrics();
}

/**
 * A lease the run could not release: a warning now, and a count in the run's metrics document (the
 * outcome publishes it), so repeated failures show although each run's outcome stands.
 */
export function reportLeaseReleaseFailed(logger: Logger, metrics: Metrics, error: CodedError): void {
  logger.warn('refresh lease not released: other runs wait until its deadline', errorFields(error));
  metrics.addMetric(EVENT_METRIC.leaseReleaseFailed, MetricUnit.Count, 1);
}

export function reportRetry(logger: Logger, notice: RetryNotice): void {
  logger.warn('token request failed, retrying', { attempt: notice.attempt, delayMs: notice.delayMs, ...errorFields(notice.error) });
}
