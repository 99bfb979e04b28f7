import { describe, expect, it } from 'vitest';
import { probeFaspay } from '../../cli/probe/probe-run.js';
import { SIGNED_PATH_VARIANTS } from '../../functions/faspay/index.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';

/** A Faspay that answers every request alike, counting them; no Date header unless given. */
function answering(status: number, body: string, headers: Record<string, string> = {}) {
  const seen: string[] = [];
  const fetch = (async (input: Parameters<typeof globalThis.fetch>[0]) => {
    seen.push(new URL(String(input)).pathname);
    return new Response(status >= 300 && status < 400 ? null : body, { status, headers });
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

const probeWith = (fetch: typeof globalThis.fetch) =>
  probeFaspay({
    baseUrl: new URL('https://sendme-sandbox.faspay.co.id'),
    credentials: DEMO_CREDENTIALS,
    variants: SIGNED_PATH_VARIANTS,
    timeZone: 'Asia/Jakarta',
    timeoutMs: 1000,
    clock: () => new Date(),
    fetch,
  });

describe('Function: probeFaspay (which answers move on to the next signed path)', () => {
  it.each([
    ['Unauthorized (status 9) with HTTP 200', 200, '{"status":"9","response_code":"01","response_desc":"Unauthorized"}'],
    ['a refusal with another response code', 200, '{"status":"3","response_code":"12","response_desc":"invalid signature"}'],
    ['HTTP 403 with an HTML page', 403, '<html>Forbidden</html>'],
  ])('%s: refused, so every variant is tried', async (_name, status, body) => {
    const faspay = answering(status, body);

    const result = await probeWith(faspay.fetch);

    expect(faspay.seen).toHaveLength(SIGNED_PATH_VARIANTS.length);
    expect(result.attempts.every((attempt) => attempt.verdict === 'refused')).toBe(true);
    expect(result.acceptedPath).toBeUndefined();
    expect(result.serviceCall).toBeUndefined();
  });

  it.each([
    ['HTTP 503', 503, 'Service Unavailable'],
    ["Faspay's internal error (response_code 99)", 200, '{"status":"3","response_code":"99","response_desc":"internal error"}'],
    ['a redirect (a wrong base URL)', 302, ''],
    ['a garbled success', 200, '{"status":"2","response_code":"00"}'],
  ])('%s: failed, so the probe stops after one request', async (_name, status, body) => {
    const faspay = answering(status, body, status === 302 ? { location: 'https://elsewhere.example' } : {});

    const result = await probeWith(faspay.fetch);

    expect(faspay.seen).toEqual(['/account/api/tokens']);
    expect(result.attempts).toEqual([expect.objectContaining({ verdict: 'failed', httpStatus: status })]);
  });

  it('an answer without a Date header leaves the clock difference unknown; one with it is measured', async () => {
    const without = await probeWith(answering(401, '{"status":"9"}').fetch);
    const fiveSecondsAgo = new Date(Date.now() - 5000).toUTCString();
    const withDate = await probeWith(answering(401, '{"status":"9"}', { date: fiveSecondsAgo }).fetch);

    expect(without.clockOffsetSeconds).toBeUndefined();
    expect(withDate.clockOffsetSeconds).toBeGreaterThanOrEqual(4);
    expect(withDate.clockOffsetSeconds).toBeLessThanOrEqual(6);
  });
});
