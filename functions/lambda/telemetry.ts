import type { Context } from 'aws-lambda';

/**
 * The refresher's structured logs and Embedded Metric Format metrics, in the shapes Powertools for
 * AWS Lambda writes (same keys, same EMF document), so dashboards, Logs Insights queries and the
 * stack's alarms read them alike.
 *
 * Trade-off: Powertools Logger and Metrics brought about 35 KiB of minified code (log buffering,
 * sampling, correlation ids, middleware, an invocation store) to a function that writes one line and
 * three metrics per run; this is the part it uses. Per-package asset weight: bench/RESULTS.md.
 */

export const MetricUnit = { Seconds: 'Seconds', Count: 'Count' } as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20 };

/** Keys every line carries; attributes cannot replace them. */
const RESERVED_KEYS = new Set(['level', 'message', 'timestamp', 'service']);

/** Powertools' level variables, in its order of precedence; INFO when none is a known level. */
function thresholdOf(env: NodeJS.ProcessEnv): number {
  for (const name of ['AWS_LAMBDA_LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL']) {
    const level = env[name]?.trim().toUpperCase();
    if (level !== undefined && level in LEVEL_ORDER) return LEVEL_ORDER[level as LogLevel];
  }
  return LEVEL_ORDER.INFO;
}

/** Errors become their name, message and code (never their stack's values); cycles and bigints do not throw. */
function safeJson(value: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, field: unknown) => {
    if (typeof field === 'bigint') return field.toString();
    if (field instanceof Error) return { name: field.name, message: field.message, ...('code' in field ? { code: field.code } : {}) };
    if (typeof field === 'object' && field !== null) {
      if (seen.has(field)) return '[Circular]';
      seen.add(field);
    }
    return field;
  });
}

let coldStart = true;

export class Logger {
  private readonly serviceName: string;
  private readonly threshold: number;
  private context: Record<string, unknown> = {};

  constructor(options: { readonly serviceName: string }, env: NodeJS.ProcessEnv = process.env) {
    this.serviceName = options.serviceName;
    this.threshold = thresholdOf(env);
  }

  /** Adds the invocation's keys (function name, ARN, memory, request id, cold start) to every later line. */
  addContext(context: Context): void {
    this.context = {
      cold_start: coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: Number(context.memoryLimitInMB),
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    coldStart = false;
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

  private write(level: LogLevel, message: string, attributes: Record<string, unknown>): void {
    if (LEVEL_ORDER[level] < this.threshold) return;
    const traceId = process.env._X_AMZN_TRACE_ID?.split(';')[0]?.replace('Root=', '');
    const extra = Object.fromEntries(Object.entries(attributes).filter(([key]) => !RESERVED_KEYS.has(key)));
    const line = safeJson({
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.serviceName,
      ...this.context,
      ...(traceId === undefined || traceId === '' ? {} : { xray_trace_id: traceId }),
      ...extra,
    });
    // Like Powertools: warnings and errors on stderr, the rest on stdout (Lambda sends both to the log group).
    (level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout).write(`${line}\n`);
  }
}

export class Metrics {
  private readonly namespace: string;
  private readonly dimensions: Readonly<Record<string, string>>;
  private stored: { name: string; unit: MetricUnit; value: number }[] = [];

  constructor(options: {
    readonly namespace: string;
    readonly serviceName: string;
    readonly defaultDimensions?: Readonly<Record<string, string>>;
  }) {
    this.namespace = options.namespace;
    this.dimensions = { service: options.serviceName, ...options.defaultDimensions };
  }

  addMetric(name: string, unit: MetricUnit, value: number): void {
    this.stored.push({ name, unit, value });
  }

  /** Writes the stored metrics as one EMF document on stdout, which CloudWatch turns into metrics. */
  publishStoredMetrics(): void {
    if (this.stored.length === 0) return;
    const document = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.namespace,
            Dimensions: [Object.keys(this.dimensions)],
            Metrics: this.stored.map(({ name, unit }) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      ...this.dimensions,
      ...Object.fromEntries(this.stored.map(({ name, value }) => [name, value])),
    };
    this.stored = [];
    process.stdout.write(`${JSON.stringify(document)}\n`);
  }
}
