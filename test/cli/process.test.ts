import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
// Node with tsx as a loader, as the npm scripts run the CLI: no tsx parent process in between
// (its signal relay SIGKILLs a child that is slow to acknowledge a Ctrl-C, as a loaded machine is).
const CLI = `"${process.execPath}" --import tsx`;

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs a real child process in its own process group (as a terminal does), optionally sending
 * `signal` to the whole group once stdout shows `when`; fails the test if it outlives `limitMs`.
 */
function runChild(
  command: string,
  args: string[],
  options: { signal?: NodeJS.Signals; when?: string; limitMs: number; cwd?: string; env?: Record<string, string> },
): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const limit = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} still running after ${options.limitMs} ms:\n${stdout}\n${stderr}`));
    }, options.limitMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.signal !== undefined && !signalled && stdout.includes(options.when ?? '')) {
        signalled = true;
        process.kill(-child.pid!, options.signal);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'close', not 'exit': through npm the command is a grandchild that shares these pipes and may
    // still be writing its last lines when npm itself has already exited.
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('the CLI as a real process', () => {
  it('`npm start` shows a complete cycle and exits 0 on its own', async () => {
    const run = await runChild('npm', ['start'], { limitMs: 60_000 });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('simulator      up on http://127.0.0.1:');
    expect(run.stdout).toContain('signature and token accepted');
    expect(run.stdout).toMatch(/ok: refresh cycle complete in \d+ ms/);
  }, 70_000);

  it('`local --watch` stops cleanly on Ctrl-C (SIGINT to the process group) with exit 0', async () => {
    const run = await runChild(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'local', '--watch'], {
      signal: 'SIGINT',
      when: 'watching',
      limitMs: 60_000,
    });

    expect(run).toMatchObject({ code: 0, signal: null });
    expect(run.stdout).toMatch(/stopped: \d+ checks, \d+ refreshes, 0 failures\n$/);
  }, 70_000);

  it('`local --watch` through npm: the command still stops cleanly, but npm itself answers Ctrl-C with 130 (as docs/operate.md says)', async () => {
    const run = await runChild('npm', ['run', '--silent', 'start', '--', '--watch'], {
      signal: 'SIGINT',
      when: 'watching',
      limitMs: 60_000,
    });

    // npm ends itself by the signal: a shell reports that as 128 + 2
    expect(run.code ?? (run.signal === 'SIGINT' ? 130 : run.signal)).toBe(130);
    expect(run.stdout).toMatch(/stopped: \d+ checks, \d+ refreshes, 0 failures\n$/);
  }, 70_000);

  it('a reader that goes away (`local --json | head -1`) ends the command quietly with its usual status', async () => {
    const script = `set -o pipefail; ${CLI} cli/main.ts local --json | head -1; echo "status=$?"`;
    const run = await runChild('bash', ['-c', script], { limitMs: 60_000 });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\{"event":"simulator".*\nstatus=0\n$/);
    expect(run.stderr).toBe('');
  }, 70_000);

  it('`local --watch --json | head -2` stops the watch when its reader goes away, instead of running on', async () => {
    const script = `set -o pipefail; ${CLI} cli/main.ts local --watch --json | head -2; echo "status=$?"`;
    const run = await runChild('bash', ['-c', script], { limitMs: 60_000 });

    expect(run.stdout).toMatch(/status=0\n$/);
    expect(run.stderr).toBe('');
  }, 70_000);

  it('AWS commands print no AWS SDK Node.js support warning (the Lambda runtime is nodejs22.x)', async () => {
    const run = await runChild(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'status', '--region', 'ap-southeast-3'], {
      limitMs: 60_000,
      env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });

    expect(run.code).toBe(5);
    expect(run.stderr).toContain('cannot reach AWS_ENDPOINT_URL');
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning|Warning/);
  }, 70_000);

  it('`simulator` stops cleanly on SIGTERM with exit 0', async () => {
    const run = await runChild(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'simulator', '--port', '0'], {
      signal: 'SIGTERM',
      when: 'requests:',
      limitMs: 60_000,
    });

    expect(run).toMatchObject({ code: 0, signal: null });
    expect(run.stdout).toMatch(/simulator stopped\n$/);
  }, 70_000);

  it('exit codes reach the shell: a usage error is 2', async () => {
    const run = await runChild(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'status', '--tolerance', 'soon'], { limitMs: 60_000 });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--tolerance must be a duration');
  }, 70_000);

  it('the `faspay-token` bin shim works through a symlink from any directory (as after npm link)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'cli-bin-'));
    symlinkSync(join(ROOT, 'cli/bin.mjs'), join(directory, 'faspay-token'));

    const run = await runChild(join(directory, 'faspay-token'), ['local', '--json'], { cwd: directory, limitMs: 60_000 });

    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^\{"event":"done","ok":true/);
  }, 70_000);
});
