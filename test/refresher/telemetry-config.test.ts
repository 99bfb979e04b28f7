import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/contracts/telemetry.js';
import { parseTelemetryConfig } from '../../functions/lambda/telemetry-config.js';
import { captureOutput } from '../support/output-capture.js';

const LEVEL_CASES: [Record<string, string>, string, boolean][] = [
  [{ LOG_LEVEL: 'ERROR' }, 'ERROR', false],
  [{ POWERTOOLS_LOG_LEVEL: 'warn', LOG_LEVEL: 'ERROR' }, 'WARN', false],
  // A set but unknown POWERTOOLS_LOG_LEVEL is INFO: LOG_LEVEL is not consulted.
  [{ POWERTOOLS_LOG_LEVEL: 'VERBOSE', LOG_LEVEL: 'ERROR' }, 'INFO', false],
  [{ POWERTOOLS_LOG_LEVEL: ' ', LOG_LEVEL: 'debug' }, 'DEBUG', false],
  [{ POWERTOOLS_LOG_LEVEL: 'SILENT' }, 'SILENT', false],
  [{ AWS_LAMBDA_LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'DEBUG' }, 'WARN', true],
  [{ AWS_LAMBDA_LOG_LEVEL: 'FATAL' }, 'CRITICAL', true],
  [{ AWS_LAMBDA_LOG_LEVEL: 'LOUD', POWERTOOLS_LOG_LEVEL: 'ERROR' }, 'ERROR', false],
];
const SAMPLE_RATE_CASES: [string, number][] = [
  ['0.25', 0.25],
  ['1', 1],
  ['', 0],
  // Out of range: ignored, as Powertools ignores it.
  ['1.5', 0],
  ['-0.1', 0],
];
const TELEMETRY_VARIABLES = [
  'AWS_LAMBDA_LOG_LEVEL',
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
  'POWERTOOLS_LOGGER_SAMPLE_RATE',
  'POWERTOOLS_DEV',
];

/** Powertools Logger (the devDependency the example consumer uses) built in the environment `env`. */
function powertoolsLoggerIn(env: Record<string, string>): PowertoolsLogger {
  for (const name of TELEMETRY_VARIABLES) vi.stubEnv(name, env[name]);
  return new PowertoolsLogger({ serviceName: 'svc' });
}

afterEach(() => vi.unstubAllEnvs());

describe('Function: parseTelemetryConfig', () => {
  it('defaults to the contract names, INFO, no sampling, metrics on', () => {
    expect(parseTelemetryConfig({})).toMatchObject({
      serviceName: SERVICE_NAME,
      namespace: METRICS_NAMESPACE,
      logLevel: 'INFO',
      logLevelFromLambda: false,
      sampleRate: 0,
      devMode: false,
      metricsDisabled: false,
      invalid: [],
    });
  });

  it('takes the service name and namespace from Powertools variables, trimmed; blank ones fall back', () => {
    expect(parseTelemetryConfig({ POWERTOOLS_SERVICE_NAME: ' payouts ', POWERTOOLS_METRICS_NAMESPACE: 'Ops' })).toMatchObject({
      serviceName: 'payouts',
      namespace: 'Ops',
    });
    expect(parseTelemetryConfig({ POWERTOOLS_SERVICE_NAME: '  ', POWERTOOLS_METRICS_NAMESPACE: '' })).toMatchObject({
      serviceName: SERVICE_NAME,
      namespace: METRICS_NAMESPACE,
    });
  });

  it.each(LEVEL_CASES)('reads the log level from %o as %s (set by Lambda: %s)', (env, logLevel, logLevelFromLambda) => {
    expect(parseTelemetryConfig(env)).toMatchObject({ logLevel, logLevelFromLambda, invalid: [] });
  });

  it.each(SAMPLE_RATE_CASES)('reads POWERTOOLS_LOGGER_SAMPLE_RATE "%s" as %d', (text, sampleRate) => {
    expect(parseTelemetryConfig({ POWERTOOLS_LOGGER_SAMPLE_RATE: text })).toMatchObject({ sampleRate, invalid: [] });
  });

  it('reports a sample rate that is not a number, as Powertools refuses to start with one', () => {
    expect(parseTelemetryConfig({ POWERTOOLS_LOGGER_SAMPLE_RATE: 'ten percent' }).invalid).toEqual([
      'POWERTOOLS_LOGGER_SAMPLE_RATE must be a number from 0 to 1, got "ten percent"',
    ]);
  });

  it.each([
    ['1', true],
    [' Yes ', true],
    ['on', true],
    ['t', true],
    ['false', false],
    ['2', false],
    ['', false],
  ])('reads POWERTOOLS_DEV "%s" as %s, and metrics follow it unless POWERTOOLS_METRICS_DISABLED is set', (text, devMode) => {
    expect(parseTelemetryConfig({ POWERTOOLS_DEV: text })).toMatchObject({ devMode, metricsDisabled: devMode, invalid: [] });
  });

  it('lets POWERTOOLS_METRICS_DISABLED override POWERTOOLS_DEV either way', () => {
    expect(parseTelemetryConfig({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'no' }).metricsDisabled).toBe(false);
    expect(parseTelemetryConfig({ POWERTOOLS_METRICS_DISABLED: 'ON' }).metricsDisabled).toBe(true);
  });

  it('reports a POWERTOOLS_METRICS_DISABLED that is neither true nor false, as Powertools refuses to start with one', () => {
    expect(parseTelemetryConfig({ POWERTOOLS_METRICS_DISABLED: 'maybe' }).invalid).toEqual([
      'POWERTOOLS_METRICS_DISABLED must be true or false (or 1/0, yes/no, on/off), got "maybe"',
    ]);
  });

  it('reads the trace id of the current invocation from the live environment', () => {
    const env: Record<string, string | undefined> = {};
    const { traceId } = parseTelemetryConfig(env);
    expect(traceId()).toBeUndefined();
    env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';
    expect(traceId()).toBe('1-5759e988-bd862e3fe1be46a994272793');
    env._X_AMZN_TRACE_ID = 'Parent=557abcec3ee5a047;Root=1-2;Sampled=0';
    expect(traceId()).toBe('1-2');
    env._X_AMZN_TRACE_ID = '1-bare-id';
    expect(traceId()).toBe('1-bare-id');
  });
});

describe('Function: parseTelemetryConfig, against Powertools Logger itself', () => {
  // Powertools 2.25 and later ignore lower-case level values (telemetry-config.ts says why these do not).
  const upperCase = LEVEL_CASES.filter(([env]) => Object.values(env).every((value) => value === value.toUpperCase()));

  it.each(upperCase)('agrees on the log level in %o', (env) => {
    expect(parseTelemetryConfig(env).logLevel).toBe(powertoolsLoggerIn(env).getLevelName());
  });

  it.each(SAMPLE_RATE_CASES.filter(([text]) => text !== '1'))('agrees on sampling_rate for "%s"', (text) => {
    const output = captureOutput();
    try {
      powertoolsLoggerIn({ POWERTOOLS_LOGGER_SAMPLE_RATE: text }).info('line');
      expect(output.jsonLines()[0]?.sampling_rate).toBe(parseTelemetryConfig({ POWERTOOLS_LOGGER_SAMPLE_RATE: text }).sampleRate);
    } finally {
      output.stop();
    }
  });

  it('fails where Powertools refuses to start: a sample rate that is not a number', () => {
    expect(() => powertoolsLoggerIn({ POWERTOOLS_LOGGER_SAMPLE_RATE: 'ten percent' })).toThrow(/POWERTOOLS_LOGGER_SAMPLE_RATE/);
    expect(parseTelemetryConfig({ POWERTOOLS_LOGGER_SAMPLE_RATE: 'ten percent' }).invalid).toHaveLength(1);
  });
});
