import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../simulation/engine.js';
import { formatReport } from '../../simulation/report.js';

/**
 * The long-run simulation (npm run simulate) on a few simulated days: the real refresher, the real
 * Faspay HTTP adapter in front of a failing Faspay, the real consumer provider, a virtual clock.
 */
describe('Function: runSimulation', () => {
  it('keeps consumers supplied through 20% failures and outages, within 1.3 tokens per day per minimum', async () => {
    const report = await runSimulation({ days: 7, seed: 7 });

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

  it('replays exactly from its seed', async () => {
    const [first, again, other] = await Promise.all([
      runSimulation({ days: 3, seed: 42 }),
      runSimulation({ days: 3, seed: 42 }),
      runSimulation({ days: 3, seed: 43 }),
    ]);
    expect(again).toEqual(first);
    expect(other.faspay).not.toEqual(first.faspay);
  });

  it('never hands out an expired token even when Faspay fails half its requests with three outages a day', async () => {
    const report = await runSimulation({ days: 5, seed: 3, failureRate: 0.5, outagesPerDay: 3 });
    expect(report.consumers.expiredHandedOut).toBe(0);
    expect(report.refresher.failed).toBeGreaterThan(0);
  });

  it('fails its verdict when Faspay never answers: consumers find no valid token', async () => {
    const report = await runSimulation({ days: 1, seed: 1, failureRate: 1 });
    expect(report.tokens.issued).toBe(0);
    expect(report.problems).toEqual([expect.stringMatching(/consumer reads found no valid token/)]);
  });
});

describe('npm run simulate', () => {
  const simulate = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'simulation/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('prints the report and exits 0 when the bar is met', () => {
    const run = simulate('--days', '2', '--seed', '5');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/tokens issued per day per minimum\*\* \| \*\*1\.\d{3}\*\*/);
  });

  it('exits 1 when the bar is missed and 2 on a bad flag, naming it', () => {
    expect(simulate('--days', '1', '--failure-rate', '1').status).toBe(1);
    const bad = simulate('--failure-rate', '20%');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--failure-rate must be a number from 0 to 1, got "20%"/);
  });
});
