/*
 * What the refresher reports and the stack reads: the function writes these metrics (functions/lambda
 * observability.ts), the construct's alarms and metric methods read them (infra/). Declared once, so
 * that a renamed metric cannot leave an alarm watching nothing.
 */

/** The `service` key of every log line and metric dimension (Powertools' POWERTOOLS_SERVICE_NAME). */
export const SERVICE_NAME = 'faspay-token-refresher';

/** The CloudWatch namespace of the refresher's metrics (Powertools' POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'FaspaySendMe';

/**
 * The Powertools variables the construct sets on its functions and the functions read
 * (functions/lambda/telemetry-config.ts honours them by Powertools' rules).
 */
export const POWERTOOLS_ENV = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/** The service name of the example consumer Lambda (functions/consumer/example-handler.ts). */
export const EXAMPLE_CONSUMER_SERVICE_NAME = 'faspay-example-consumer';

/** The dimension that tells refreshers of one account apart: the token parameter's name. */
export const TOKEN_PARAMETER_DIMENSION = 'TokenParameter';

/** The metrics the function emits after every run. */
export const METRIC = {
  /** Seconds left on the stored token after the run (0 when none is usable): the staleness alarm's metric. */
  remainingLifetime: 'TokenRemainingLifetime',
  /** 1 when the run stored a new token. */
  refreshed: 'TokenRefreshed',
  /** 1 when the run failed. */
  failed: 'TokenRefreshFailed',
  /**
   * 1 when a consumer's rejection report was refuted: SendMe accepted the reported token on the
   * refresher's own check, so some consumer is misconfigured (clock, time zone or credentials).
   */
  reportRefuted: 'RejectionReportRefuted',
} as const;

/** Metrics written only by a run in which something happened (in the same document as METRIC), so a Sum counts those runs. */
export const EVENT_METRIC = {
  /** 1 when the run could not release its refresh lease: other runs waited for its deadline. */
  leaseReleaseFailed: 'LeaseReleaseFailed',
} as const;
