import type { Context } from 'aws-lambda';
import { asFunctionError } from '../contracts/function-error.js';
import type { RefreshBudget, RefreshSummary } from '../refresher/refresh.js';
import { asCodedError, type CodedError } from '../shared/coded-error.js';
import { type Container, createContainer } from './container.js';
import { EventError } from './errors.js';
import { parseRefreshEvent, type RefreshRequest } from './event.js';
import { errorFields, reportOutcome, reportRequest } from './observability.js';
import { Logger } from './telemetry.js';
import { parseTelemetryConfig } from './telemetry-config.js';

const telemetry = parseTelemetryConfig(process.env);
const logger = new Logger(telemetry);

/** Built at cold start; a configuration error is kept and reported by every invocation. */
const container: Container | CodedError = (() => {
  try {
    return createContainer(process.env, telemetry, logger);
  } catch (error) {
    return asCodedError(error, 'reading the configuration');
  }
})();

/** Used when the handler is called without a Lambda context (scripts, tests). */
const DEFAULT_BUDGET_MS = 60_000;

/**
 * Lambda entry point. Scheduled runs refresh only when due; `{"force": true}` refreshes now; a
 * rejection report refreshes the version it names (see event.ts). Resolves to a summary (never the
 * token); rejects with a coded error on any failure (function-error.ts), after which the stored
 * token is the one stored before (due now, when the failure may have revoked it).
 */
export async function handler(event: unknown, context?: Context): Promise<RefreshSummary> {
  logger.startInvocation(context);
  if (!('refresher' in container)) {
    logger.error('configuration invalid', { outcome: 'failed', ...errorFields(container) });
    throw asFunctionError(container);
  }
  let request: RefreshRequest;
  let budget: RefreshBudget;
  try {
    request = parseRefreshEvent(event, { parameterName: container.config.tokenParameterName });
    budget = budgetOf(context);
  } catch (error) {
    const coded = asCodedError(error, 'reading the event');
    container.logger.error('event rejected', { outcome: 'failed', ...errorFields(coded) });
    throw asFunctionError(coded);
  }
  reportRequest(container.logger, request);
  const result = await container.refresher.refresh(request, budget);
  reportOutcome(container.logger, container.metrics, request, result);
  if (!result.ok) throw asFunctionError(result.error);
  return result.summary;
}

function budgetOf(context: Context | undefined): RefreshBudget {
  if (context === undefined) {
    const deadline = Date.now() + DEFAULT_BUDGET_MS;
    return { remainingTimeMs: () => deadline - Date.now() };
  }
  if (typeof context.getRemainingTimeInMillis !== 'function') {
    throw new EventError('the Lambda context has no getRemainingTimeInMillis(): pass the context Lambda gives, or none');
  }
  // A budget that is not a number would turn into NaN timeouts deep in the HTTP client.
  if (!Number.isFinite(context.getRemainingTimeInMillis())) {
    throw new EventError("the Lambda context's getRemainingTimeInMillis() did not return a number of milliseconds");
  }
  return { remainingTimeMs: () => Math.max(0, Number(context.getRemainingTimeInMillis()) || 0) };
}
