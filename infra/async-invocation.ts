/*
 * How the refresher's asynchronous invocations are retried, declared once: the construct applies
 * these (infra/token-refresher.ts, infra/refresher-triggers.ts) and the soak run models them
 * (soak/schedule.ts). No CDK import here, so that the soak run can read them without loading CDK.
 */

/**
 * Lambda's own retries of an asynchronous invocation that failed (the handler rejected): none. The
 * function retries transient Faspay failures itself and the schedule runs again long before the
 * token expires, so a Lambda-level retry would only repeat a persistent failure (bad credentials,
 * say) against Faspay. This holds for rejection reports too: a failed report is not retried.
 */
export const FUNCTION_ASYNC_RETRY_ATTEMPTS = 0;

/** The longest an asynchronous invocation waits in Lambda's queue before it is dropped. */
export const FUNCTION_MAX_EVENT_AGE_MINUTES = 15;

/**
 * EventBridge Scheduler's retries of delivering a scheduled run (throttling, the function not
 * reachable), not of a run that failed; an event older than one interval is superseded anyway.
 */
export const SCHEDULE_DELIVERY = { retryAttempts: 2, maxEventAgeMinutes: 15 } as const;

/**
 * EventBridge's retries of delivering a rejection report to the function (throttling, the function
 * not reachable), not of an invocation that failed.
 */
export const REJECTION_REPORT_DELIVERY = { retryAttempts: 2, maxEventAgeMinutes: 5 } as const;
