import { Duration, Errors } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/shared/config-error.js';
import { FaspayTokenRefresher, type FaspayTokenRefresherProps } from '../../infra/token-refresher.js';
import { bareStack } from './synth.js';

function build(props: FaspayTokenRefresherProps): () => void {
  return () => new FaspayTokenRefresher(bareStack(), 'Refresher', props);
}

describe('FaspayTokenRefresher props validation', () => {
  it.each([
    ['http://sendme.faspay.co.id', /faspayBaseUrl.*must use https/],
    ['not a url', /faspayBaseUrl.*not a URL: "not a url"/],
    ['https://sendme.faspay.co.id/?debug=1', /faspayBaseUrl.*must not have a query/],
  ])('rejects the base URL %s with a message naming faspayBaseUrl', (faspayBaseUrl, message) => {
    expect(build({ faspayBaseUrl })).toThrow(message);
  });

  it('accepts http on a loopback host (the local simulator) and drops a trailing slash', () => {
    // GIVEN / WHEN
    const stack = bareStack();
    new FaspayTokenRefresher(stack, 'Refresher', { faspayBaseUrl: 'http://127.0.0.1:8080/' });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FASPAY_BASE_URL: 'http://127.0.0.1:8080' }) },
    });
  });

  it.each([
    ['faspay/sendme/token', /tokenParameterName contains "\/" but does not start with "\/", got "faspay\/sendme\/token"/],
    ['/faspay//token', /tokenParameterName has an empty path segment/],
    ['/faspay/token/', /tokenParameterName has an empty path segment/],
    ['/aws/token', /tokenParameterName must not start with "aws" or "ssm"/],
    ['token with spaces', /tokenParameterName may contain only letters/],
  ])('rejects the parameter name %s', (tokenParameterName, message) => {
    expect(build({ tokenParameterName })).toThrow(message);
  });

  it('rejects a one-time schedule', () => {
    const schedule = scheduler.ScheduleExpression.at(new Date('2030-01-01T00:00:00Z'));
    expect(build({ schedule })).toThrow(
      /schedule must be a recurring rate\(...\) or cron\(...\) expression, got "at\(2030-01-01T00:00:00\)"/,
    );
  });

  it('rejects a refresh margin not longer than the schedule interval', () => {
    expect(build({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(2)), refreshBeforeExpiry: Duration.hours(2) })).toThrow(
      /refreshBeforeExpiry \(7200 s\) must be longer than the schedule interval \(7200 s, "rate\(2 hours\)"\)/,
    );
  });

  it('rejects a refresh margin of more than one day', () => {
    expect(build({ refreshBeforeExpiry: Duration.hours(25) })).toThrow(
      /refreshBeforeExpiry must be between 1 minute and 1 day, got 1 day 1 hour/,
    );
  });

  it('rejects a staleness threshold that a healthy token would cross', () => {
    expect(build({ stalenessThreshold: Duration.hours(3) })).toThrow(
      /stalenessThreshold \(10800 s\) must be shorter than refreshBeforeExpiry \(7200 s\)/,
    );
  });

  it('rejects a staleness period shorter than the schedule interval', () => {
    expect(build({ stalenessPeriod: Duration.minutes(10) })).toThrow(/stalenessPeriod \(600 s\) must contain at least one scheduled run/);
  });

  it('rejects a staleness period that is not whole minutes', () => {
    expect(build({ stalenessPeriod: Duration.seconds(1830) })).toThrow(/stalenessPeriod must be a whole number of minutes/);
  });

  it.each([
    ['maxAttempts 0', { maxAttempts: 0 }, /maxAttempts must be a whole number from 1 to 10, got 0/],
    ['maxAttempts 2.5', { maxAttempts: 2.5 }, /maxAttempts must be a whole number from 1 to 10, got 2.5/],
    ['httpTimeout 1.5 s', { httpTimeout: Duration.millis(1500) }, /httpTimeout must be a whole number of seconds, got 1 second 500 millis/],
    ['httpTimeout 2 min', { httpTimeout: Duration.minutes(2) }, /httpTimeout must be between 100 millis and 1 minute, got 2 minutes/],
    ['reservedConcurrency 0', { reservedConcurrency: 0 }, /reservedConcurrency must be a whole number from 1 to 1000, got 0/],
    [
      'a malformed alarmEmail',
      { alarmEmail: 'ops-at-example.com' },
      /alarmEmail must be an email address such as ops@example.com, got "ops-at-example.com"/,
    ],
    ['a relative signedPath', { signedPath: 'account/api/tokens' }, /signedPath must be an absolute path/],
    ['an unknown timeZone', { timeZone: 'Mars/Olympus' }, /timeZone: unknown time zone "Mars\/Olympus"/],
  ] as [string, FaspayTokenRefresherProps, RegExp][])('rejects %s with a message naming the prop', (_label, props, message) => {
    expect(build(props)).toThrow(message);
  });

  it('reports a prop that cannot work as a CDK ValidationError at the construct path, the ConfigError as its cause', () => {
    // GIVEN
    const stack = bareStack();
    // WHEN
    const error = catchError(() => new FaspayTokenRefresher(stack, 'Refresher', { maxAttempts: 0 }));
    // THEN
    expect(Errors.isValidationError(error), String(error)).toBe(true);
    if (!Errors.isValidationError(error)) return;
    expect(error.constructPath).toBe('TestStack/Refresher');
    expect(error.message).toBe('maxAttempts must be a whole number from 1 to 10, got 0');
    expect(error.cause).toBeInstanceOf(ConfigError);
    expect(error.cause).toMatchObject({ code: 'CONFIG_INVALID', message: error.message });
  });

  it('uses a 1 hour staleness window for cron schedules, whose interval is unknown', () => {
    // GIVEN
    const stack = bareStack();
    // WHEN
    new FaspayTokenRefresher(stack, 'Refresher', {
      schedule: scheduler.ScheduleExpression.expression('cron(0/20 * * * ? *)'),
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'TokenRemainingLifetime',
      Period: 3600,
    });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
