import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import {
  createFaspayTokenProvider,
  createSignedFaspayFetch,
  DEFAULT_REPORT_COOLDOWN_SECONDS,
  type FaspayTokenProvider,
  MIN_REREAD_AFTER_UNAUTHORIZED_MS,
} from '../../functions/consumer/index.js';
import { createRejectionReporter } from '../../functions/consumer/rejection-reporting.js';
import { REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { serializeTokenDocument } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';
import { fakeClock, PARAMETER, rejectionOf, sendmeAccepting, tokenDocument } from './fixtures.js';

const BALANCE = '/account/api/balance_inquiry';
const SECOND = 1000;

let clock: ReturnType<typeof fakeClock>;
let memory: ReturnType<typeof createMemoryTokenStore>;
let provider: FaspayTokenProvider;
/** Tokens SendMe accepts; the others are answered 401. */
let accepted: Set<string>;
/** Versions reported, with the clock's second (since the start) of each report. */
let reports: [version: number, atSecond: number][];
let startMs: number;

beforeEach(async () => {
  clock = fakeClock();
  startMs = clock.nowMs();
  memory = createMemoryTokenStore(clock.now);
  accepted = new Set();
  reports = [];
  provider = createFaspayTokenProvider({ parameterName: PARAMETER, tokenSource: memory, credentials: DEMO_CREDENTIALS, clock: clock.now });
  await publish({ accepted: false });
});

/** The refresher stores a new token. */
async function publish(options: { accepted: boolean }): Promise<void> {
  const document = tokenDocument(clock.nowMs());
  await memory.write(serializeTokenDocument(document));
  if (options.accepted) accepted.add(document.accessToken);
}

function sendme(reportCooldownSeconds?: number) {
  return createSignedFaspayFetch(provider, {
    baseUrl: 'https://sendme.example.com',
    fetch: sendmeAccepting(accepted, clock.now),
    onTokenRejected: ({ parameterVersion }) => void reports.push([parameterVersion, (clock.nowMs() - startMs) / SECOND]),
    ...(reportCooldownSeconds === undefined ? {} : { reportCooldownSeconds }),
  });
}

/** One call every `everySeconds` for `forSeconds` (both ends included); the statuses. */
async function callEvery(call: ReturnType<typeof sendme>, everySeconds: number, forSeconds: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let elapsed = 0; elapsed <= forSeconds; elapsed += everySeconds) {
    statuses.push((await call('GET', BALANCE)).status);
    clock.advance(everySeconds * SECOND);
  }
  return statuses;
}

describe('Function: createSignedFaspayFetch, a version that stays refused', () => {
  it("reports it again once per cooldown, the refresher's own default REJECTION_COOLDOWN_SECONDS", async () => {
    const cooldown = REFRESHER_SETTINGS.rejectionCooldownSeconds.default;
    const call = sendme();

    // Act: a busy consumer, one call every 5 s for three cooldowns
    const statuses = await callEvery(call, 5, 3 * cooldown);

    // Assess: refused throughout; reported at once, then at each cooldown, never more often
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(reports).toEqual([
      [1, 0],
      [1, cooldown],
      [1, 2 * cooldown],
      [1, 3 * cooldown],
    ]);
  });

  it('does not report it again a second before the cooldown ends', async () => {
    const call = sendme();
    await call('GET', BALANCE);
    clock.advance((DEFAULT_REPORT_COOLDOWN_SECONDS - 1) * SECOND);
    await call('GET', BALANCE);
    clock.advance(SECOND);
    await call('GET', BALANCE);
    expect(reports).toEqual([
      [1, 0],
      [1, DEFAULT_REPORT_COOLDOWN_SECONDS],
    ]);
  });

  it('reports nothing once the replacement is accepted, however long the calls go on', async () => {
    const call = sendme();
    await callEvery(call, 5, 30);
    await publish({ accepted: true });
    clock.advance(MIN_REREAD_AFTER_UNAUTHORIZED_MS);

    const statuses = await callEvery(call, 5, 5 * DEFAULT_REPORT_COOLDOWN_SECONDS);

    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(reports).toEqual([[1, 0]]);
  });

  it('reports a new version that is refused at once, whatever the cooldown of the previous one', async () => {
    const call = sendme();
    await call('GET', BALANCE);
    await publish({ accepted: false });
    clock.advance(MIN_REREAD_AFTER_UNAUTHORIZED_MS);

    await call('GET', BALANCE);

    expect(reports).toEqual([
      [1, 0],
      [2, MIN_REREAD_AFTER_UNAUTHORIZED_MS / SECOND],
    ]);
  });

  it('follows reportCooldownSeconds, and never reports more often than the 10 s re-read interval', async () => {
    const slow = sendme(300);
    await callEvery(slow, 5, 400);
    expect(reports.map(([, at]) => at)).toEqual([0, 300]);

    reports = [];
    clock.advance(MIN_REREAD_AFTER_UNAUTHORIZED_MS);
    startMs = clock.nowMs();
    const eager = sendme(0);
    await callEvery(eager, 1, 30);
    expect(reports.map(([, at]) => at)).toEqual([0, 10, 20, 30]);
  });

  it('sends one report for many concurrent refused calls after the cooldown', async () => {
    const call = sendme();
    await call('GET', BALANCE);
    clock.advance(DEFAULT_REPORT_COOLDOWN_SECONDS * SECOND);

    await Promise.all(Array.from({ length: 20 }, () => call('GET', BALANCE)));

    expect(reports).toHaveLength(2);
  });

  it.each([-1, 1.5, REFRESHER_SETTINGS.rejectionCooldownSeconds.max + 1, Number.NaN])(
    'refuses reportCooldownSeconds %s, naming the option and the range',
    async (value) => {
      const error = await rejectionOf(Promise.resolve().then(() => sendme(value)));
      expect(error).toMatchObject({
        code: 'CONFIG_INVALID',
        message: `reportCooldownSeconds must be a whole number of seconds from 0 to 3600, got ${String(value)}`,
      });
    },
  );
});

describe('Function: createRejectionReporter', () => {
  it('never reports a version older than one already reported, and holds back when the clock went back', async () => {
    const versions: number[] = [];
    const report = createRejectionReporter(({ parameterVersion }) => void versions.push(parameterVersion), PARAMETER, 60 * SECOND);
    const at = (seconds: number) => new Date(startMs + seconds * SECOND);

    await report(2, at(0));
    await report(1, at(600));
    await report(2, at(-30));
    await report(2, at(59));
    await report(2, at(60));

    expect(versions).toEqual([2, 2]);
  });
});
