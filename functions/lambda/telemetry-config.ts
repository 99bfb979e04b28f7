import { METRICS_NAMESPACE, POWERTOOLS_ENV, SERVICE_NAME } from '../contracts/telemetry.js';

/*
 * The environment variables of Powertools for AWS Lambda (TypeScript) v2 Logger and Metrics that the
 * refresher's telemetry (telemetry.ts) honours, read once per container by Powertools' rules, so a
 * function configured as for Powertools behaves as Powertools would. Two are not honoured, on
 * purpose: POWERTOOLS_LOGGER_LOG_EVENT (the event is untrusted input; the refresher never logs it)
 * and POWERTOOLS_METRICS_FUNCTION_NAME (it names the ColdStart metric's dimension, and no ColdStart
 * metric is emitted). docs/operate.md has the table.
 */

/** Powertools' levels and their order; a line is written when its level is at least the threshold. */
export const LOG_LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

export interface TelemetryConfig {
  /** `service` on every line and the metrics' dimension: POWERTOOLS_SERVICE_NAME, else SERVICE_NAME. */
  readonly serviceName: string;
  /** POWERTOOLS_METRICS_NAMESPACE, else METRICS_NAMESPACE. */
  readonly namespace: string;
  /** The least severe level written: AWS_LAMBDA_LOG_LEVEL, else POWERTOOLS_LOG_LEVEL, else LOG_LEVEL, else INFO. */
  readonly logLevel: LogLevel;
  /** Lambda's advanced logging controls chose the level: Lambda drops lines below it, so sampling keeps it. */
  readonly logLevelFromLambda: boolean;
  /** POWERTOOLS_LOGGER_SAMPLE_RATE: the share of invocations logged at DEBUG, 0 to 1 (0 when out of range). */
  readonly sampleRate: number;
  /** POWERTOOLS_DEV: lines pretty-printed through the global console; metrics off unless POWERTOOLS_METRICS_DISABLED says otherwise. */
  readonly devMode: boolean;
  /** POWERTOOLS_METRICS_DISABLED when set, else POWERTOOLS_DEV. */
  readonly metricsDisabled: boolean;
  /** The current invocation's X-Ray trace id: Lambda sets _X_AMZN_TRACE_ID per invocation, so it is read per line. */
  readonly traceId: () => string | undefined;
  /** Values Powertools refuses (its constructors throw on them): the container fails with CONFIG_INVALID naming them. */
  readonly invalid: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

// Powertools' extended boolean parsing (commons getBooleanFromEnv), after trimming and lower-casing.
const TRUE_VALUES = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const FALSE_VALUES = new Set(['0', 'n', 'no', 'f', 'false', 'off']);

function flagOf(text: string | undefined): boolean | undefined {
  const value = text?.trim().toLowerCase() ?? '';
  return TRUE_VALUES.has(value) ? true : FALSE_VALUES.has(value) ? false : undefined;
}

function isLevel(name: string): name is LogLevel {
  return Object.hasOwn(LOG_LEVELS, name);
}

/**
 * Powertools' precedence: a valid AWS_LAMBDA_LOG_LEVEL (FATAL is CRITICAL) wins; then the first of
 * POWERTOOLS_LOG_LEVEL and LOG_LEVEL that is set, and INFO when that one is not a level (LOG_LEVEL
 * is not consulted). Unlike Powertools since 2.25, whose refactoring dropped the upper-casing,
 * lower-case values count, as they did before and as its maintainers describe them.
 */
function logLevelOf(env: Env): Pick<TelemetryConfig, 'logLevel' | 'logLevelFromLambda'> {
  const lambda = env.AWS_LAMBDA_LOG_LEVEL?.trim().toUpperCase() ?? '';
  const fromLambda = lambda === 'FATAL' ? 'CRITICAL' : lambda;
  if (isLevel(fromLambda)) return { logLevel: fromLambda, logLevelFromLambda: true };
  const chosen = (env.POWERTOOLS_LOG_LEVEL?.trim() || env.LOG_LEVEL?.trim() || '').toUpperCase();
  return { logLevel: isLevel(chosen) ? chosen : 'INFO', logLevelFromLambda: false };
}

/** The Root field of an X-Ray trace header (`Root=1-…;Parent=…;Sampled=1`), or a bare id. */
function traceRootOf(header: string | undefined): string | undefined {
  const text = header?.trim() ?? '';
  if (text === '') return undefined;
  return text.includes('=') ? /(?:^|;)Root=([^;]+)/.exec(text)?.[1] : text;
}

/** Reads the telemetry's variables from `env` (the function's environment, once per container). */
export function parseTelemetryConfig(env: Env): TelemetryConfig {
  const invalid: string[] = [];
  const devMode = flagOf(env.POWERTOOLS_DEV) === true;
  const disabled = flagOf(env.POWERTOOLS_METRICS_DISABLED);
  if (env.POWERTOOLS_METRICS_DISABLED !== undefined && disabled === undefined) {
    invalid.push(`POWERTOOLS_METRICS_DISABLED must be true or false (or 1/0, yes/no, on/off), got "${env.POWERTOOLS_METRICS_DISABLED}"`);
  }
  const rate = Number(env.POWERTOOLS_LOGGER_SAMPLE_RATE?.trim() ?? 0);
  if (Number.isNaN(rate)) {
    invalid.push(`POWERTOOLS_LOGGER_SAMPLE_RATE must be a number from 0 to 1, got "${env.POWERTOOLS_LOGGER_SAMPLE_RATE}"`);
  }
  return {
    serviceName: env[POWERTOOLS_ENV.serviceName]?.trim() || SERVICE_NAME,
    namespace: env[POWERTOOLS_ENV.metricsNamespace]?.trim() || METRICS_NAMESPACE,
    ...logLevelOf(env),
    sampleRate: rate >= 0 && rate <= 1 ? rate : 0,
    devMode,
    metricsDisabled: disabled ?? devMode,
    traceId: () => traceRootOf(env._X_AMZN_TRACE_ID),
    invalid,
  };
}
