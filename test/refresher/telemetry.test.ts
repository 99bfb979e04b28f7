import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { Logger, Metrics, MetricUnit } from '../../functions/lambda/telemetry.js';
import { captureOutput } from '../support/output-capture.js';

const context = {
  functionName: 'refresher',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-3:123456789012:function:refresher',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
} as Context;

let output: ReturnType<typeof captureOutput> | undefined;
afterEach(() => output?.stop());

describe('Class: Logger', () => {
  it('writes one JSON line with the keys Powertools writes, then the attributes', () => {
    // Prepare
    output = captureOutput();
    const logger = new Logger({ serviceName: 'svc' }, {});
    // Act
    logger.addContext(context);
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
    const logger = new Logger({ serviceName: 'svc' }, { POWERTOOLS_LOG_LEVEL: 'error' });
    logger.info('hidden');
    logger.warn('hidden too');
    logger.error('shown');
    expect(output.jsonLines().map((line) => line.message)).toEqual(['shown']);
  });

  it('logs an error attribute as its name, message and code, and survives cycles', () => {
    output = captureOutput();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    new Logger({ serviceName: 'svc' }, {}).error('failed', { error: Object.assign(new TypeError('bad'), { code: 'X' }), cyclic });
    expect(output.jsonLines()[0]).toMatchObject({
      error: { name: 'TypeError', message: 'bad', code: 'X' },
      cyclic: { self: '[Circular]' },
    });
  });
});

describe('Class: Metrics', () => {
  it('publishes one Embedded Metric Format document with the service and default dimensions', () => {
    // Prepare
    output = captureOutput();
    const metrics = new Metrics({ namespace: 'FaspaySendMe', serviceName: 'svc', defaultDimensions: { TokenParameter: '/p' } });
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
});
