import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ASYNC_RETRY_ATTEMPTS } from '../../infra/async-invocation.js';
import { runSoak } from '../../soak/engine.js';
import { formatReport } from '../../soak/report.js';

/**
 * The soak run (npm run simulate) on a few simulated days: the real refresher, the real
 * Faspay HTTP adapter in front of a failing Faspay, the real consumer provider, a virtual clock.
 */
describe('Function: runSoak', () => {
  // One simulated week serves the first two tests: the run is the slow part.
  let week: ReturnType<typeof runSoak> | undefined;
  const aWeek = () => {
    week ??= runSoak({ days: 7, seed: 7 });
    return week;
  };

  it('keeps consumers supplied through 20% failures and outages, within 1.3 tokens per day per minimum', async () => {
    const report = await aWeek();

    expect(report.problems).toEqual([]);
    expect(report.tokens.perMinimum).toBeLessThanOrEqual(1.3);
    // Enough tokens to cover the week, and the weather really did fail requests.
    expect(report.tokens.issued).toBeGreaterThanOrEqual(7 * report.tokens.minimumPerDay);
    expect(report.faspay.failedRequests).toBeGreaterThan(0);
    expect(report.faspay.outages).toBeGreaterThan(0);
    expect(report.consumers.expiredHandedOut).toBe(0);
    expect(report.consumers.failedReads).toEqual({});
    // Each consumer reads the document about once per token, not once per request.
    expect(report.consumers.storeReads).toBeLessThan(report.consumers.consumers * report.tokens.issued * 2);
    expect(formatReport(report)).toMatch(/^PASS/m);
  });

  it('heals each outside reissue within 60 s of the first report, with one token, and counts what it cost', async () => {
    const { healing, consumers, problems } = await aWeek();

    expect(problems).toEqual([]);
    expect(healing.outsideReissues).toBeGreaterThan(0);
    // Each reissue revoked the stored token: consumers' calls were refused until the refresher replaced it.
    expect(healing.episodes).toBe(healing.outsideReissues);
    expect(consumers.calls.refused).toBeGreaterThan(0);
    expect(healing.reportToHealedSeconds.max).toBeLessThanOrEqual(60);
    expect(healing.slowHeals).toBe(0);
    expect(healing.tokensWithoutRevocation).toBe(0);
    expect(healing.tokensPublished).toBe(healing.outsideReissues);
    // Once per version per consumer: a handful of reports, not one per refused call.
    expect(consumers.reports).toBeLessThanOrEqual(healing.episodes * consumers.consumers);
    expect(consumers.reports).toBeLessThan(consumers.calls.refused + healing.episodes);
  });

  it('without reissues and with a Faspay that keeps earlier tokens, no call is refused and nothing is reported', async () => {
    const report = await runSoak({ days: 2, seed: 7, reissuesPerDay: 0, revokeOnIssue: false });
    expect(report.consumers.calls).toMatchObject({ refused: 0, acceptedOnRetry: 0 });
    expect(report.consumers.reports).toBe(0);
    expect(report.healing.reportInvocations).toBe(0);
    expect(report.tokens.issuedBySchedule).toBe(report.tokens.issued);
  });

  it('models the cooldown: a report about a token younger than the cooldown waits for it, and the target allows for it', async () => {
    // Forced refreshes each followed 2 s later by a reissue, with the longest cooldown.
    const report = await runSoak({ days: 1, seed: 1, reissuesPerDay: 0, forcedReissuesPerDay: 2, rejectionCooldownSeconds: 3600 });
    expect(report.healing.reportsIgnored.cooldown).toBeGreaterThan(0);
    expect(report.healing.cooldownEpisodes).toBeGreaterThan(0);
    expect(report.healing.reportTargetSeconds).toBe(3660);
    expect(report.healing.reportToHealedSeconds.max).toBeGreaterThan(600);
    expect(report.healing.reportToHealedSeconds.max).toBeLessThanOrEqual(3660);
  });

  it('retries a failed report only as the deployed function does (retryAttempts 0), and as told for what-if runs', async () => {
    const [deployed, retried] = await Promise.all([
      runSoak({ days: 2, seed: 3, failureRate: 0.9 }),
      runSoak({ days: 2, seed: 3, failureRate: 0.9, functionAsyncRetryAttempts: 2 }),
    ]);
    expect(deployed.options.functionAsyncRetryAttempts).toBe(FUNCTION_ASYNC_RETRY_ATTEMPTS);
    expect(deployed.healing.reportInvocationsFailed).toBeGreaterThan(0);
    // One invocation per report sent: a failed one is not retried.
    expect(deployed.healing.reportInvocations).toBe(deployed.consumers.reports);
    expect(retried.healing.reportInvocations).toBeGreaterThan(retried.consumers.reports);
  });

  it('models runs that crash holding the lease: Faspay issued them a token, the stored one is refused', async () => {
    const report = await runSoak({ days: 1, seed: 2, crashedRunsPerDay: 3 });
    expect(report.refresher.crashed).toBe(3);
    expect(report.healing.outsideReissues).toBe(1);
    expect(report.consumers.calls.refused).toBeGreaterThan(0);
    expect(report.consumers.reports).toBeGreaterThan(0);
  });

  it('refutes a misconfigured consumer: every call refused, every report checked, no token bought, the refuted-report alarm fires', async () => {
    const report = await runSoak({ days: 1, seed: 2, consumers: 2, misconfiguredConsumers: 1 });
    const { misconfigured } = report.consumers;
    expect(misconfigured.consumers).toBe(1);
    // Every 60 s from its first call about a minute in.
    expect(misconfigured.calls).toBe(24 * 60 - 1);
    expect(misconfigured.refused).toBe(misconfigured.calls);
    expect(report.consumers.consumers).toBe(2);
    expect(report.healing.misconfigured.invocations).toBe(misconfigured.reports);
    expect(report.healing.misconfigured.tokensBought).toBe(0);
    expect(report.healing.misconfigured.refuted).toBeGreaterThan(0);
    expect(report.refresher.sendmeCalls).toBeGreaterThanOrEqual(report.healing.misconfigured.refuted);
    expect(report.healing.refutedAlarmPeriods).toBeGreaterThan(0);
    expect(report.problems).toEqual([]);
    expect(formatReport(report)).toMatch(
      /misconfigured consumers' reports: tokens bought; refuted; hours the refuted-report alarm fired\*\* \| \*\*0\*\* \(limit 0\); \*\*\d+\*\*; \*\*\d+\*\*/,
    );
  });

  it('heals a reissue inside the cooldown after the cooldown, busy consumers and all (force, then check the credentials)', async () => {
    const report = await runSoak({ days: 1, seed: 1, busyConsumers: 1, forcedReissuesPerDay: 4 });
    expect(report.refresher.forced).toBeGreaterThan(0);
    expect(report.healing.reportsIgnored.cooldown).toBeGreaterThan(0);
    expect(report.healing.slowHeals).toBe(0);
    expect(report.healing.reportToHealedSeconds.max).toBeLessThanOrEqual(report.healing.reportTargetSeconds);
    expect(report.problems).toEqual([]);
  });

  it('replays exactly from its seed', async () => {
    const [first, again, other] = await Promise.all([
      runSoak({ days: 1, seed: 42 }),
      runSoak({ days: 1, seed: 42 }),
      runSoak({ days: 1, seed: 43 }),
    ]);
    expect(again).toEqual(first);
    expect(other.faspay).not.toEqual(first.faspay);
  });

  it('never hands out an expired token even when Faspay fails half its requests with three outages a day', async () => {
    const report = await runSoak({ days: 3, seed: 3, failureRate: 0.5, outagesPerDay: 3 });
    expect(report.consumers.expiredHandedOut).toBe(0);
    expect(report.refresher.failed).toBeGreaterThan(0);
  });

  it('fails its verdict when Faspay never answers: consumers find no valid token', async () => {
    const report = await runSoak({ days: 1, seed: 1, failureRate: 1 });
    expect(report.tokens.issued).toBe(0);
    expect(report.problems).toEqual([expect.stringMatching(/consumer reads found no valid token/)]);
  });
});

describe('npm run simulate', () => {
  const simulate = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'soak/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('prints the report and exits 0 when the bar is met', () => {
    const run = simulate('--days', '2', '--seed', '5', '--reissues-per-day', '0', '--keep-earlier-tokens');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/tokens issued per day per minimum\*\* \| \*\*1\.\d{3}\*\*/);
    expect(run.stdout).toContain('Faspay keeps earlier tokens valid, 0 outside reissue(s) a day');
  });

  it('reports the healing figures by default', () => {
    const run = simulate('--days', '2', '--seed', '5');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'Faspay revokes earlier tokens on issue, 1 outside reissue(s) a day, rejection cooldown 60 s, 0 Lambda retries of a failed report',
    );
    expect(run.stdout).toMatch(
      /\*\*first report to first accepted call, s \(mean \/ max\), Faspay answering\*\* \| [\d.]+ \/ \*\*[\d.]+\*\* \(limit cooldown \+ 60 = 120\)/,
    );
    expect(run.stdout).toMatch(
      /signed consumer calls: accepted \/ accepted on the retry \/ \*\*refused \(failed\)\*\* \| \d+ \/ \d+ \/ \*\*\d+\*\*/,
    );
  });

  it('exits 1 when the bar is missed and 2 on a bad flag, naming it', () => {
    expect(simulate('--days', '1', '--failure-rate', '1').status).toBe(1);
    const bad = simulate('--failure-rate', '20%');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--failure-rate must be a number from 0 to 1, got "20%"/);
  });
});
