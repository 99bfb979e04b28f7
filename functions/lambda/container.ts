import { parseRefresherConfig, type RefresherConfig } from '../contracts/settings.js';
import type { Refresher } from '../refresher/refresh.js';
import { ConfigError } from '../shared/config-error.js';
import { composeRefresher } from './composition.js';
import { createMetrics, reportLeaseReleaseFailed, reportRetry } from './observability.js';
import type { Logger, Metrics } from './telemetry.js';
import type { TelemetryConfig } from './telemetry-config.js';

export interface Container {
  readonly config: RefresherConfig;
  readonly refresher: Refresher;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * What the Lambda keeps per container: its configuration, parsed from the environment once, the
 * refresher composed from it (functions/lambda/composition.ts), and its log and metrics writers,
 * configured by `telemetry` (parsed from the same environment; a value Powertools would refuse is a
 * configuration error here too).
 */
export function createContainer(env: Readonly<Record<string, string | undefined>>, telemetry: TelemetryConfig, logger: Logger): Container {
  if (telemetry.invalid.length > 0) throw new ConfigError(telemetry.invalid.join('; '));
  const config = parseRefresherConfig(env);
  const metrics = createMetrics(telemetry, config.tokenParameterName);
  const { refresher } = composeRefresher(config, {
    onRetry: (notice) => reportRetry(logger, notice),
    observer: { leaseReleaseFailed: (error) => reportLeaseReleaseFailed(logger, metrics, error) },
  });
  return { config, refresher, logger, metrics };
}
