import { afterEach, describe, expect, it } from 'vitest';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME, TOKEN_PARAMETER_DIMENSION } from '../../functions/contracts/telemetry.js';
import type { RefreshRequest } from '../../functions/lambda/event.js';
import { createMetrics, reportOutcome } from '../../functions/lambda/observability.js';
import { Logger } from '../../functions/lambda/telemetry.js';
import { parseTelemetryConfig } from '../../functions/lambda/telemetry-config.js';
import { TimeBudgetError } from '../../functions/refresher/errors.js';
import type { RefreshResult } from '../../functions/refresher/refresh.js';
import { emfViolations } from '../support/emf-spec.js';
import { captureOutput } from '../support/output-capture.js';

/** A document the specification accepts: every case below breaks exactly one rule of it. */
const VALID = {
  _aws: {
    Timestamp: 1_764_000_000_000,
    CloudWatchMetrics: [
      {
        Namespace: 'FaspaySendMe',
        Dimensions: [['service', 'TokenParameter'], []],
        Metrics: [
          { Name: 'TokenRefreshed', Unit: 'Count' },
          { Name: 'Latency', Unit: 'Milliseconds', StorageResolution: 1 },
          { Name: 'Samples' },
        ],
      },
    ],
  },
  service: 'faspay-token-refresher',
  TokenParameter: '/faspay/sendme/access-token',
  TokenRefreshed: 1,
  Latency: 12.5,
  Samples: [1, 2, 3],
};

// biome-ignore lint/suspicious/noExplicitAny: the cases break the document on purpose, in ways its type would not allow.
type Doc = Record<string, any>;
const broken = (change: (document: Doc) => void): Doc => {
  const document = structuredClone(VALID) as Doc;
  change(document);
  return document;
};
const directive = (document: Doc): Doc => document._aws.CloudWatchMetrics[0];

describe('Function: emfViolations (the specification, checked on its own)', () => {
  it('accepts a document that follows the specification', () => {
    expect(emfViolations(VALID)).toEqual([]);
  });

  it.each([
    ['no _aws', broken((d) => delete d._aws), /_aws must be an object/],
    ['a Timestamp in seconds as a string', broken((d) => (d._aws.Timestamp = '1764000000')), /Timestamp/],
    ['no CloudWatchMetrics', broken((d) => delete d._aws.CloudWatchMetrics), /CloudWatchMetrics must be an array/],
    ['an empty Namespace', broken((d) => (directive(d).Namespace = ' ')), /Namespace/],
    ['a Namespace of 1025 characters', broken((d) => (directive(d).Namespace = 'N'.repeat(1025))), /Namespace/],
    ['Dimensions that are not sets', broken((d) => (directive(d).Dimensions = ['service'])), /Dimensions\[0\] must be an array/],
    ['31 dimensions in a set', broken((d) => (directive(d).Dimensions = [Array.from({ length: 31 }, () => 'service')])), /31 dimensions/],
    ['a dimension missing from the root', broken((d) => delete d.TokenParameter), /dimension "TokenParameter"/],
    ['a dimension whose value is a number', broken((d) => (d.TokenParameter = 7)), /dimension "TokenParameter"/],
    ['a metric missing from the root', broken((d) => delete d.TokenRefreshed), /metric "TokenRefreshed"/],
    ['a metric whose value is a string', broken((d) => (d.TokenRefreshed = '1')), /metric "TokenRefreshed"/],
    ['a unit CloudWatch does not know', broken((d) => (directive(d).Metrics[0].Unit = 'Secs')), /Unit "Secs"/],
    ['a StorageResolution of 5', broken((d) => (directive(d).Metrics[1].StorageResolution = 5)), /StorageResolution/],
    ['a metric without a Name', broken((d) => (directive(d).Metrics[2] = { Unit: 'Count' })), /must have a Name/],
    [
      '101 metrics in a directive',
      broken((d) => {
        directive(d).Metrics = Array.from({ length: 101 }, (_, i) => ({ Name: `m${i}`, Unit: 'Count' }));
        for (let i = 0; i < 101; i++) d[`m${i}`] = i;
      }),
      /101 metrics/,
    ],
  ])('rejects %s', (_case, document, violation) => {
    expect(emfViolations(document).join('\n')).toMatch(violation);
  });
});

const REQUEST: RefreshRequest = { force: false, trigger: 'schedule', scheduledTime: '2026-11-25T00:00:00Z', executionId: 'exec-1' };
const SUMMARY = { refreshed: true, reason: 'due', expiresAt: '2026-11-25T18:00:00.000Z', parameterVersion: 7 } as const;
const OUTCOMES: [string, RefreshResult][] = [
  ['refreshed', { ok: true, summary: SUMMARY, tokenRemainingSeconds: 36_000, attempts: 1 }],
  ['skipped', { ok: true, summary: { refreshed: false, reason: 'fresh' }, tokenRemainingSeconds: 20_000, attempts: 0 }],
  ['failed', { ok: false, error: new TimeBudgetError('too little time left'), tokenRemainingSeconds: 0, attempts: 2 }],
];

let output: ReturnType<typeof captureOutput> | undefined;
afterEach(() => output?.stop());

/** The EMF documents the refresher writes for `result`, in the environment `env`. */
function documentsFor(result: RefreshResult, env: Record<string, string> = {}): Record<string, unknown>[] {
  const telemetry = parseTelemetryConfig(env);
  output = captureOutput();
  reportOutcome(new Logger(telemetry), createMetrics(telemetry, '/faspay/sendme/access-token'), REQUEST, result);
  return output.jsonLines().filter((line) => '_aws' in line);
}

describe('the refresher EMF documents, against the specification', () => {
  it.each(OUTCOMES)('a %s run writes one document CloudWatch accepts, with the metrics and dimensions the alarms read', (_case, result) => {
    const before = Date.now();
    const documents = documentsFor(result);

    expect(documents).toHaveLength(1);
    const document = documents[0]!;
    expect(emfViolations(document)).toEqual([]);
    expect(document).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['service', TOKEN_PARAMETER_DIMENSION]],
            Metrics: Object.values(METRIC).map((name) => ({ Name: name, Unit: expect.any(String) })),
          },
        ],
      },
      service: SERVICE_NAME,
      [METRIC.remainingLifetime]: result.tokenRemainingSeconds,
    });
    const { Timestamp } = document._aws as { Timestamp: number };
    expect(Timestamp).toBeGreaterThanOrEqual(before);
    expect(Timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('puts the metrics in the namespace and service that POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME name', () => {
    const [document] = documentsFor(OUTCOMES[0]![1], {
      POWERTOOLS_METRICS_NAMESPACE: 'Payouts/Staging',
      POWERTOOLS_SERVICE_NAME: 'refresher-b',
    });

    expect(emfViolations(document)).toEqual([]);
    expect(document).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: 'Payouts/Staging' }] }, service: 'refresher-b' });
  });
});
