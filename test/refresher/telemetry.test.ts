import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger, Metrics, MetricUnit } from '../../functions/lambda/telemetry.js';
import { parseTelemetryConfig } from '../../functions/lambda/telemetry-config.js';
import { captureOutput } from '../support/output-capture.js';

/** The telemetry of a function whose environment is `env`, with the service name `svc`. */
const telemetry = (env: Record<string, string> = {}) => parseTelemetryConfig({ POWERTOOLS_SERVICE_NAME: 'svc', ...env });

const context = {
  functionName: 'refresher',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-3:123456789012:function:refresher',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
} as Context;

let output: ReturnType<typeof captureOutput> | undefined;
afterEach(() => {
  output?.stop();
  vi.restoreAllMocks();
});

/** Draws that come out as listed, one per sampling decision. */
const draws = (...values: number[]) => {
  const queue = [...values];
  return () => queue.shift() ?? 1;
};

describe('Class: Logger', () => {
  it('writes one JSON line with the keys Powertools writes, then the attributes', () => {
    // Prepare
    output = captureOutput();
    const logger = new Logger(telemetry());
    // Act
    logger.startInvocation(context);
    logger.info('token refreshed', { outcome: 'refreshed', level: 'not mine' });
    // Assess
    const [line] = output.jsonLines();
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'token refreshed',
      service: 'svc',
      function_name: 'refresher',
      function_arn: context.invokedFunctionArn,
      function_memory_size: 256,
      function_request_id: 'req-1',
      outcome: 'refreshed',
    });
    expect(typeof line?.cold_start).toBe('boolean');
    expect(Date.parse(String(line?.timestamp))).not.toBeNaN();
  });

  it('drops lines below the level set by POWERTOOLS_LOG_LEVEL', () => {
    output = captureOutput();
    const logger = new Logger(telemetry({ POWERTOOLS_LOG_LEVEL: 'error' }));
    logger.info('hidden');
    logger.warn('hidden too');
    logger.error('shown');
    expect(output.jsonLines().map((line) => line.message)).toEqual(['shown']);
  });

  it('logs an error attribute as its name, message and code, and survives cycles', () => {
    output = captureOutput();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    new Logger(telemetry()).error('failed', { error: Object.assign(new TypeError('bad'), { code: 'X' }), cyclic });
    expect(output.jsonLines()[0]).toMatchObject({
      error: { name: 'TypeError', message: 'bad', code: 'X' },
      cyclic: { self: '[Circular]' },
    });
  });

  it('writes sampling_rate and the X-Ray trace id on every line, as Powertools does', () => {
    output = captureOutput();
    const config = { ...telemetry({ POWERTOOLS_LOGGER_SAMPLE_RATE: '0.25' }), traceId: () => '1-5759e988-bd862e3fe1be46a994272793' };
    new Logger(config, draws(0.9)).info('line');
    expect(output.jsonLines()[0]).toMatchObject({ sampling_rate: 0.25, xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793' });
  });

  it('logs a sampled invocation at DEBUG and the next, not sampled, at the configured level', () => {
    // Prepare
    output = captureOutput();
    const logger = new Logger(telemetry({ POWERTOOLS_LOGGER_SAMPLE_RATE: '0.5' }), draws(0.1, 0.9));
    // Act
    logger.startInvocation(context);
    logger.debug('first invocation');
    logger.startInvocation(context);
    logger.debug('second invocation');
    logger.info('second, at INFO');
    // Assess
    expect(output.jsonLines().map((line) => [line.level, line.message])).toEqual([
      ['DEBUG', 'Setting log level to DEBUG due to sampling rate'],
      ['DEBUG', 'first invocation'],
      ['INFO', 'second, at INFO'],
    ]);
  });

  it('keeps the level Lambda set (AWS_LAMBDA_LOG_LEVEL) even when an invocation is sampled', () => {
    output = captureOutput();
    const logger = new Logger(telemetry({ AWS_LAMBDA_LOG_LEVEL: 'WARN', POWERTOOLS_LOGGER_SAMPLE_RATE: '1' }), draws(0));
    logger.startInvocation(context);
    logger.debug('dropped by Lambda anyway');
    logger.info('below WARN');
    logger.warn('shown');
    expect(output.jsonLines().map((line) => line.message)).toEqual(['shown']);
  });

  it('pretty-prints through the global console in dev mode (POWERTOOLS_DEV)', () => {
    // Prepare
    output = captureOutput();
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const logger = new Logger(telemetry({ POWERTOOLS_DEV: 'true' }));
    // Act
    logger.info('token refreshed', { outcome: 'refreshed' });
    logger.error('token refresh failed');
    // Assess
    const printed = String(info.mock.calls[0]?.[0]);
    expect(printed).toContain('\n    "message": "token refreshed",\n');
    expect(JSON.parse(printed)).toMatchObject({ level: 'INFO', service: 'svc', outcome: 'refreshed' });
    expect(JSON.parse(String(error.mock.calls[0]?.[0]))).toMatchObject({ level: 'ERROR' });
    expect(output.text()).toBe('');
  });
});

describe('Class: Metrics', () => {
  it('publishes one Embedded Metric Format document with the service and default dimensions', () => {
    // Prepare
    output = captureOutput();
    const metrics = new Metrics(telemetry({ POWERTOOLS_METRICS_NAMESPACE: 'FaspaySendMe' }), { TokenParameter: '/p' });
    // Act
    metrics.addMetric('TokenRefreshed', MetricUnit.Count, 1);
    metrics.addMetric('TokenRemainingLifetime', MetricUnit.Seconds, 3600);
    metrics.publishStoredMetrics();
    metrics.publishStoredMetrics();
    // Assess
    const documents = output.jsonLines();
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'FaspaySendMe',
            Dimensions: [['service', 'TokenParameter']],
            Metrics: [
              { Name: 'TokenRefreshed', Unit: 'Count' },
              { Name: 'TokenRemainingLifetime', Unit: 'Seconds' },
            ],
          },
        ],
      },
      service: 'svc',
      TokenParameter: '/p',
      TokenRefreshed: 1,
      TokenRemainingLifetime: 3600,
    });
  });

  it.each([
    ['POWERTOOLS_METRICS_DISABLED is true', { POWERTOOLS_METRICS_DISABLED: 'true' }],
    ['POWERTOOLS_DEV is on and POWERTOOLS_METRICS_DISABLED is not set', { POWERTOOLS_DEV: '1' }],
  ])('publishes nothing and forgets the stored metrics when %s', (_case, env) => {
    output = captureOutput();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const metrics = new Metrics(telemetry(env));
    metrics.addMetric('TokenRefreshed', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    expect(output.text()).toBe('');
    expect(log).not.toHaveBeenCalled();
  });

  it('publishes through the global console in dev mode when POWERTOOLS_METRICS_DISABLED is false', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const metrics = new Metrics(telemetry({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' }));
    metrics.addMetric('TokenRefreshed', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toMatchObject({ service: 'svc', TokenRefreshed: 1 });
  });
});
