import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/shared/config-error.js';
import { durationProp, textProp } from '../../infra/setting-entries.js';

const text = { parse: (value: string) => value.toUpperCase(), render: (value: string) => value };

describe('Entries of the construct settings table', () => {
  it('leaves an optional setting without a default unset when its prop is absent, and parses it when given', () => {
    // GIVEN an optional declaration (a future setting like a User-Agent)
    const entry = textProp('signedPath', { env: 'FASPAY_SOMETHING', optional: true, ...text });
    // THEN
    expect(entry.read({})).toBeUndefined();
    expect(entry.read({ signedPath: 'given' })).toBe('GIVEN');
    expect(entry.documentedDefault).toBeUndefined();
  });

  it("gives a setting the function requires the construct's default, parsed like a given value", () => {
    const entry = textProp('faspayBaseUrl', { env: 'FASPAY_SOMETHING', required: true, ...text }, 'https://example.com');
    expect(entry.read({})).toBe('HTTPS://EXAMPLE.COM');
    expect(entry.documentedDefault).toBe("'https://example.com'");
  });

  it('converts a Duration prop to the declared unit, checks the declared range and renders the default in its largest unit', () => {
    // GIVEN a setting in milliseconds, 1 s to 1 day, default 1 day
    const entry = durationProp(
      'httpTimeout',
      { env: 'X_MS', default: 86_400_000, min: 1000, max: 86_400_000, parse: Number, render: String },
      'ms',
    );
    // THEN
    expect(entry.documentedDefault).toBe('Duration.days(1)');
    expect(entry.read({})).toBe(86_400_000);
    expect(entry.read({ httpTimeout: Duration.seconds(8) })).toBe(8000);
    expect(() => entry.read({ httpTimeout: Duration.millis(500) })).toThrow(ConfigError);
    expect(() => entry.read({ httpTimeout: Duration.millis(500) })).toThrow(
      'httpTimeout must be a whole number of seconds, got 500 millis',
    );
  });
});
