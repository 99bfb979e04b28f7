import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { runCli } from './cli-harness.js';

// Checked while the command line is parsed: each is a usage error (exit 2) that names the flag and
// the value, before anything starts (no simulator, no AWS call).
describe('values named as what they are, at parse time', () => {
  it.each([
    [['status', '--tolerance', '-5m'], '--tolerance must not be negative, got "-5m"'],
    [
      ['status', '--tolerance=-5m'],
      '--tolerance must be a duration such as 15m, 1h30m, 90s or 900 (seconds), got "-5m" (a negative duration)',
    ],
    [['local', '--watch', '--check-every', '-5s'], '--check-every must not be negative, got "-5s"'],
    [['simulator', '--port', '-1'], '--port must not be negative, got "-1"'],
    [['simulator', '--port=-1'], '--port must be a whole number from 0 to 65535, got "-1" (a negative number)'],
    [['local', '--token-lifetime', '49h'], '--token-lifetime must be from 2s to 48h 0m, got "49h" (176400 s)'],
    [['local', '--token-lifetime', '1'], '--token-lifetime must be from 2s to 48h 0m, got "1" (1 s)'],
    [['local', '--watch', '--check-every', '0'], '--check-every must be from 1s to 24h 0m, got "0" (0 s)'],
    [['local', '--refresh-before', '25h'], '--refresh-before must be from 0s to 24h 0m, got "25h" (90000 s)'],
    [['status', '--tolerance', '25h'], '--tolerance must be from 0s to 24h 0m, got "25h" (90000 s)'],
    [['simulator', '--token-lifetime', '49h'], '--token-lifetime must be from 2s to 48h 0m, got "49h" (176400 s)'],
    // One range for both commands: a 1 s token can be expired by the time it is stored.
    [['simulator', '--token-lifetime', '1s'], '--token-lifetime must be from 2s to 48h 0m, got "1s" (1 s)'],
    [['status', '--tolerance', '--json'], 'option --tolerance needs a value (got the option --json instead)'],
    [['status', '--tolerance'], 'option --tolerance needs a value'],
  ])('%j', async (argv, message) => {
    const run = await runCli(argv, { env: {} });

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stdout + run.stderr).toContain(message);
    expect(run.stdout + run.stderr).not.toContain('simulator      up');
  });
});
