import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';
import { findLeaks } from '../support/output-capture.js';
import { runCli } from './cli-harness.js';

/** Real time plus whatever the run slept: the demo's 10 s wait passes at once. */
function skippingClock() {
  let skippedMs = 0;
  return {
    clock: () => new Date(Date.now() + skippedMs),
    sleep: async (ms: number) => {
      skippedMs += ms;
    },
  };
}

describe('Command: local --demo-rejection', () => {
  it('shows an outside reissue refused, reported once, healed with one token, a repeated report costing nothing', async () => {
    const run = await runCli(['local', '--demo-rejection', '--json'], skippingClock());

    expect(run.code).toBe(EXIT_CODES.ok);
    const steps = run.jsonLines();
    const events = steps.map((step) => step.event);
    expect(events.filter((event) => event === 'rejection-report')).toHaveLength(1);
    expect(steps.find((step) => step.event === 'outside-reissue')).toMatchObject({ revokeOnIssue: true, revokedVersion: 1 });
    expect(steps.filter((step) => step.event === 'decision').map((step) => [step.refresh, step.reason])).toEqual([
      [true, 'missing'],
      [true, 'rejected'],
      [false, 'report-outdated'],
    ]);
    expect(steps.filter((step) => step.event === 'stored').map((step) => step.version)).toEqual([1, 2]);
    expect(steps.filter((step) => step.event === 'token-request')).toHaveLength(2);
    expect(steps.filter((step) => step.event === 'consumer-call').map((step) => [step.consumer, step.httpStatus])).toEqual([
      ['consumer A', 401],
      ['consumer A', 401],
      ['consumer B', 200],
      ['consumer A', 200],
    ]);
    expect(events.at(-1)).toBe('done');
  });

  it('shows the report after the refused call that caused it, not before', async () => {
    const run = await runCli(['local', '--demo-rejection', '--json'], skippingClock());
    const story = run
      .jsonLines()
      .map((step) => (step.event === 'consumer-call' ? `call ${String(step.httpStatus)}` : String(step.event)))
      .filter((event) => event === 'rejection-report' || event.startsWith('call'));
    expect(story).toEqual(['call 401', 'rejection-report', 'call 401', 'call 200', 'call 200']);
  });

  it('prints the story without a token or credential', async () => {
    const run = await runCli(['local', '--demo-rejection'], skippingClock());
    expect(run.code).toBe(EXIT_CODES.ok);
    expect(run.stdout).toContain('another system got its own token');
    expect(run.stdout).toContain('healed         one report, one new token, every consumer served again');
    expect(findLeaks(run.stdout, Object.values(DEMO_CREDENTIALS))).toEqual([]);
  });

  it.each([['--watch'], ['--faspay-url', 'https://sendme-sandbox.faspay.co.id', '--credentials', 'x.json']])(
    'refuses --demo-rejection with %s',
    async (...flags) => {
      const run = await runCli(['local', '--demo-rejection', ...flags]);
      expect(run.code).toBe(EXIT_CODES.usage);
      expect(run.stderr).toMatch(/--demo-rejection runs once against the simulator and the in-memory store/);
    },
  );
});
