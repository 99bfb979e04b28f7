import { REFRESHER_SETTINGS } from '../functions/contracts/settings.js';
import { FUNCTION_ASYNC_RETRY_ATTEMPTS } from '../infra/async-invocation.js';

/**
 * The deployed configuration (the function's declared defaults, functions/contracts/settings.ts, and
 * the construct's schedule and timeout, infra/token-refresher-settings.ts, and its retries of an
 * asynchronous invocation, infra/async-invocation.ts), the fleet, and the weather it is run through.
 * Every field can be changed for what-if runs.
 */
export const SOAK_DEFAULTS = {
  days: 30,
  seed: 1,
  /** Share of token requests that fail outside outages. */
  failureRate: 0.2,
  outagesPerDay: 1,
  minOutageMinutes: 5,
  maxOutageMinutes: 90,
  scheduleMinutes: 15,
  /** Scheduler delivery plus cold/warm start: the run begins this long after the scheduled minute. */
  maxInvokeDelaySeconds: 20,
  /** Faspay's `expired_in`: the life of every token it grants. */
  tokenLifetimeSeconds: 36_000,
  refreshBeforeExpirySeconds: REFRESHER_SETTINGS.refreshBeforeExpirySeconds.default,
  httpTimeoutMs: REFRESHER_SETTINGS.httpTimeoutMs.default,
  maxAttempts: REFRESHER_SETTINGS.maxAttempts.default,
  /** The stack's function timeout for 3 attempts of 8 s (infra functionTimeoutSeconds). */
  functionTimeoutSeconds: 60,
  consumers: 4,
  consumerReadSeconds: 60,
  /** Busy consumer containers besides those: each calls SendMe every `busyReadSeconds`. */
  busyConsumers: 0,
  busyReadSeconds: 5,
  /**
   * Misconfigured consumer containers (a wrong time zone): SendMe refuses every call although the
   * stored token is fine, and each refused version is reported. They call every `consumerReadSeconds`.
   */
  misconfiguredConsumers: 0,
  /** Faspay revokes every earlier token when it issues one (undocumented; the adversarial case). */
  revokeOnIssue: true,
  /** Expected outside reissues a day (someone else requesting a token with the same credentials). */
  reissuesPerDay: 1,
  /**
   * Expected forced refreshes a day each followed 2 s later by an outside reissue (the runbook's
   * "force, then check the credentials"): the revoked token is younger than the cooldown.
   */
  forcedReissuesPerDay: 0,
  /**
   * Expected crashed runs a day: a run takes the lease, Faspay issues it a token (revoking the stored
   * one), and the function dies before storing it or releasing the lease (the lease lasts until its deadline).
   */
  crashedRunsPerDay: 0,
  /** Lambda's retries of a failed asynchronous invocation (a report whose refresh failed): the deployed setting. */
  functionAsyncRetryAttempts: FUNCTION_ASYNC_RETRY_ATTEMPTS,
  /** The refresher's REJECTION_COOLDOWN_SECONDS. */
  rejectionCooldownSeconds: REFRESHER_SETTINGS.rejectionCooldownSeconds.default,
} as const;

export type SoakOptions = { -readonly [K in keyof typeof SOAK_DEFAULTS]: (typeof SOAK_DEFAULTS)[K] extends boolean ? boolean : number };

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;
