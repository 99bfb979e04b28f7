import { parseRefresherConfig, type RefresherConfig } from '../contracts/settings.js';
import type { Refresher } from '../refresher/refresh.js';
import { composeRefresher } from './composition.js';
import { createLogger, createMetrics, reportRetry } from './observability.js';
import type { Logger, Metrics } from './telemetry.js';

export interface Container {
  readonly config: RefresherConfig;
  readonly refresher: Refresher;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * What the Lambda keeps per container: its configuration, parsed from the environment once, the
 * refresher composed from it (functions/lambda/composition.ts), and its log and metrics writers.
 */
export function createContainer(env: Readonly<Record<string, string | undefined>>, logger: Logger = createLogger()): Container {
  const config = parseRefresherConfig(env);
  const { refresher } = composeRefresher(config, { onRetry: (notice) => reportRetry(logger, notice) });
  return { config, refresher, logger, metrics: createMetrics(config.tokenParameterName) };
}
