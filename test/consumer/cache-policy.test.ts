import { describe, expect, it } from 'vitest';
import { cacheDeadlineMs, jitterMs, MIN_RECHECK_MS } from '../../functions/consumer/cache-policy.js';

const HOUR = 3_600_000;
const times = { refreshAtMs: 8 * HOUR, expiresAtMs: 10 * HOUR };

describe('Function: cacheDeadlineMs', () => {
  it('keeps a token until refreshAt plus the jitter while refreshAt lies ahead', () => {
    expect(cacheDeadlineMs(times, 0, 12_345)).toBe(8 * HOUR + 12_345);
    expect(cacheDeadlineMs(times, 8 * HOUR - 1, 0)).toBe(8 * HOUR);
  });

  it('re-checks a document past its refreshAt after an eighth of its remaining life', () => {
    expect(cacheDeadlineMs(times, 8 * HOUR, 0)).toBe(8 * HOUR + 15 * 60_000);
    expect(cacheDeadlineMs(times, 9 * HOUR, 1000)).toBe(9 * HOUR + 7.5 * 60_000 + 1000);
  });

  it(`re-checks no more often than every ${MIN_RECHECK_MS / 1000} s, and never past expiresAt`, () => {
    expect(cacheDeadlineMs(times, 10 * HOUR - 200_000, 0)).toBe(10 * HOUR - 200_000 + MIN_RECHECK_MS);
    expect(cacheDeadlineMs(times, 10 * HOUR - 10_000, 0)).toBe(10 * HOUR);
    expect(cacheDeadlineMs({ refreshAtMs: 10 * HOUR - 5_000, expiresAtMs: 10 * HOUR }, 0, 30_000)).toBe(10 * HOUR);
  });
});

describe('Function: jitterMs', () => {
  it('scales a [0, 1) draw to whole milliseconds below the maximum', () => {
    expect(jitterMs(() => 0, 30)).toBe(0);
    expect(jitterMs(() => 0.5, 30)).toBe(15_000);
    expect(jitterMs(() => 0.999_999_9, 30)).toBe(29_999);
    expect(jitterMs(() => 0.7, 0)).toBe(0);
  });
});
