import { describe, expect, it } from 'vitest';
import { assertTimeZone, formatFaspayTimestamp, parseFaspayTimestamp } from '../../functions/faspay/index.js';

describe('Faspay timestamp', () => {
  it('formats an instant in Asia/Jakarta (UTC+7) by default, whatever the host zone', () => {
    expect(formatFaspayTimestamp(new Date('2024-01-15T03:30:00.999Z'))).toBe('2024-01-15 10:30:00');
    expect(formatFaspayTimestamp(new Date('2024-12-31T17:00:00Z'))).toBe('2025-01-01 00:00:00');
  });

  it('uses 24-hour, zero-padded fields', () => {
    expect(formatFaspayTimestamp(new Date('2024-03-04T16:05:09Z'))).toBe('2024-03-04 23:05:09');
    expect(formatFaspayTimestamp(new Date('2024-03-04T17:00:00Z'))).toBe('2024-03-05 00:00:00');
  });

  it('honours a configured zone', () => {
    expect(formatFaspayTimestamp(new Date('2024-01-15T03:30:00Z'), 'UTC')).toBe('2024-01-15 03:30:00');
    expect(formatFaspayTimestamp(new Date('2024-01-15T03:30:00Z'), 'Asia/Makassar')).toBe('2024-01-15 11:30:00');
  });

  it('parses a timestamp back to the instant it denotes in the zone', () => {
    expect(parseFaspayTimestamp('2024-01-15 10:30:00')?.toISOString()).toBe('2024-01-15T03:30:00.000Z');
    expect(parseFaspayTimestamp('2024-01-15 10:30:00', 'UTC')?.toISOString()).toBe('2024-01-15T10:30:00.000Z');
  });

  it('rejects text that is not a real Faspay timestamp', () => {
    for (const text of ['2024-01-15T10:30:00', '2024-1-15 10:30:00', '2024-02-30 10:30:00', '2024-01-15 24:00:00', '']) {
      expect(parseFaspayTimestamp(text)).toBeUndefined();
    }
  });

  it('throws a config error naming an unknown zone', () => {
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => assertTimeZone('Asia/Jakarta')).not.toThrow();
  });
});
