import { describe, expect, it } from 'vitest';
import { meetsReadBudget, runConsumerBench } from '../../bench/consumer-reads.js';

// The benchmark's read counts come from a fake clock, so they are exact and can be asserted; its
// timings are not asserted (speed is measured by `npm run bench`, never by tests).
describe('bench/consumer-reads.ts', () => {
  it('counts at most 2 SSM reads per token lifetime for the provider and far more for fixed TTL caches', async () => {
    const result = await runConsumerBench({ iterations: 2000 });
    const reads = result.reads.map((figure) => [figure.refresher, figure.variant, figure.ssmReads]);

    expect(meetsReadBudget(result)).toBe(true);
    // 20 h at 10 requests/s; Powertools' 5 s cache lives about 5.1 s (whole-second TTL, strict comparison).
    // On the schedule the refresher replaces a token at the last run before its refreshAt, so the
    // provider's one re-read per token finds the new one there too.
    expect(reads).toEqual([
      ['on time', 'this provider (refreshAt + up to 30 s jitter)', 3],
      ['on time', 'Powertools getParameter, default cache (5 s)', 14118],
      ['on time', 'Powertools getParameter, maxAge 300 s', 240],
      ['15-minute schedule', 'this provider (refreshAt + up to 30 s jitter)', 3],
      ['15-minute schedule', 'Powertools getParameter, default cache (5 s)', 14118],
      ['15-minute schedule', 'Powertools getParameter, maxAge 300 s', 240],
    ]);
    expect(result.reads.every((figure) => figure.expiredTokensServed === 0)).toBe(true);
    // A refused token: the first read, then one re-read (token and credentials) per 10 s, one report per 60 s cooldown.
    expect(result.whileRefused).toEqual({ minutes: 10, calls: 6000, ssmReads: 61, credentialLoads: 61, reports: 10 });
  }, 120_000);
});
