import type { Context } from 'aws-lambda';
import { LOG_LEVELS, type TelemetryConfig } from './telemetry-config.js';

/**
 * The refresher's structured logs and Embedded Metric Format metrics, in the shapes Powertools for
 * AWS Lambda writes (same keys, same EMF document) and configured by the same variables
 * (telemetry-config.ts), so dashboards, Logs Insights queries and the stack's alarms read them alike.
 *
 * Trade-off: Powertools Logger and Metrics brought about 35 KiB of minified code (log buffering,
 * correlation ids, middleware, an invocation store) to a function that writes one line and three
 * metrics per run; this is the part it uses. Per-package asset weight: bench/RESULTS.md.
 */

export const MetricUnit = { Seconds: 'Seconds', Count: 'Count' } as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Keys every line carries; attributes cannot replace them (Powertools' reserved keys). */
const RESERVED_KEYS = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

/** Powertools' indentation in dev mode; one line per record otherwise, as CloudWatch wants. */
const DEV_MODE_INDENT = 4;

/** Errors become their name, message and code (never their stack's values); cycles and bigints do not throw. */
function safeJson(value: Record<string, unknown>, indent: number | undefined): string {
  const seen = new WeakSet<object>();
  const replacer = (_key: string, field: unknown): unknown => {
    if (typeof field === 'bigint') return field.toString();
    if (field instanceof Error) return { name: field.name, message: field.message, ...('code' in field ? { code: field.code } : {}) };
    if (typeof field === 'object' && field !== null) {
      if (seen.has(field)) return '[Circular]';
      seen.add(field);
    }
    return field;
  };
  return JSON.stringify(value, replacer, indent);
}

/**
 * Where a record goes. Like Powertools: warnings and errors on stderr, the rest on stdout (Lambda
 * sends both to the log group); in dev mode through the global console, so local tools see them.
 */
function emit(devMode: boolean, method: 'debug' | 'info' | 'warn' | 'error' | 'log', text: string): void {
  if (devMode) console[method](text);
  else (method === 'warn' || method === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
}

let coldStart = true;

/** The levels the refresher writes at. */
type WrittenLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export type LoggerConfig = Pick<TelemetryConfig, 'serviceName' | 'logLevel' | 'logLevelFromLambda' | 'sampleRate' | 'devMode' | 'traceId'>;

export class Logger {
  private readonly config: LoggerConfig;
  private readonly random: () => number;
  private threshold: number;
  private context: Record<string, unknown> = {};

  /** `random` draws the sampling decisions (0 ≤ n < 1). */
  constructor(config: LoggerConfig, random: () => number = Math.random) {
    this.config = config;
    this.random = random;
    this.threshold = LOG_LEVELS[config.logLevel];
  }

  /**
   * Starts an invocation: the Lambda context's keys (function name, ARN, memory, request id, cold
   * start) go on every later line, and the sampling decision is made again, so POWERTOOLS_LOGGER_SAMPLE_RATE
   * is the share of invocations logged at DEBUG (as Powertools' injectLambdaContext does).
   */
  startInvocation(context: Context | undefined): void {
    if (context !== undefined) {
      this.context = {
        cold_start: coldStart,
        function_arn: context.invokedFunctionArn,
        function_memory_size: Number(context.memoryLimitInMB),
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      };
      coldStart = false;
    }
    const base = LOG_LEVELS[this.config.logLevel];
    const sampled = this.config.sampleRate > 0 && this.random() < this.config.sampleRate;
    // Lambda would drop lines below its own level, and TRACE is already more verbose than DEBUG.
    const lowered = sampled && !this.config.logLevelFromLambda && base > LOG_LEVELS.TRACE;
    this.threshold = lowered ? LOG_LEVELS.DEBUG : base;
    if (sampled) this.debug('Setting log level to DEBUG due to sampling rate');
  }

  debug(message: string, attributes: Record<string, unknown> = {}): void {
    this.write('DEBUG', message, attributes);
  }

  info(message: string, attributes: Record<string, unknown> = {}): void {
    this.write('INFO', message, attributes);
  }

  warn(message: string, attributes: Record<string, unknown> = {}): void {
    this.write('WARN', message, attributes);
  }

  error(message: string, attributes: Record<string, unknown> = {}): void {
    this.write('ERROR', message, attributes);
  }

  private write(level: WrittenLevel, message: string, attributes: Record<string, unknown>): void {
    if (LOG_LEVELS[level] < this.threshold) return;
    const traceId = this.config.traceId();
    const extra = Object.fromEntries(Object.entries(attributes).filter(([key]) => !RESERVED_KEYS.has(key)));
    const record = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.config.serviceName,
      ...this.context,
      sampling_rate: this.config.sampleRate,
      ...(traceId === undefined ? {} : { xray_trace_id: traceId }),
      ...extra,
    };
    const text = safeJson(record, this.config.devMode ? DEV_MODE_INDENT : undefined);
    emit(this.config.devMode, level.toLowerCase() as Lowercase<WrittenLevel>, text);
  }
}

export type MetricsConfig = Pick<TelemetryConfig, 'namespace' | 'serviceName' | 'metricsDisabled' | 'devMode'>;

export class Metrics {
  private readonly config: MetricsConfig;
  private readonly dimensions: Readonly<Record<string, string>>;
  private stored: { name: string; unit: MetricUnit; value: number }[] = [];

  /** Dimensions: `service` (as Powertools adds it), then `defaultDimensions`. */
  constructor(config: MetricsConfig, defaultDimensions: Readonly<Record<string, string>> = {}) {
    this.config = config;
    this.dimensions = { service: config.serviceName, ...defaultDimensions };
  }

  addMetric(name: string, unit: MetricUnit, value: number): void {
    this.stored.push({ name, unit, value });
  }

  /**
   * Writes the stored metrics as one EMF document on stdout, which CloudWatch turns into metrics;
   * with metrics disabled (POWERTOOLS_METRICS_DISABLED, or POWERTOOLS_DEV) it only forgets them.
   */
  publishStoredMetrics(): void {
    const stored = this.stored;
    this.stored = [];
    if (stored.length === 0 || this.config.metricsDisabled) return;
    const document = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.config.namespace,
            Dimensions: [Object.keys(this.dimensions)],
            Metrics: stored.map(({ name, unit }) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      ...this.dimensions,
      ...Object.fromEntries(stored.map(({ name, value }) => [name, value])),
    };
    emit(this.config.devMode, 'log', JSON.stringify(document));
  }
}
