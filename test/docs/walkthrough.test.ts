import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';
import { freePort } from '../support/free-port.js';
import { findLeaks } from '../support/output-capture.js';
import { blockAfterMarker, ROOT, readDoc } from './doc-blocks.js';

/*
 * docs/deploy.md's moto walkthrough, run as written: the fenced block after the "walkthrough"
 * marker goes to bash unchanged, except the values of the two port variables its first line
 * defines (free ports here, so parallel runs and a busy 5000 do not collide). It starts moto_server
 * and the simulator itself, as a reader would; the whole process group is ended afterwards.
 */

const WALKTHROUGH = blockAfterMarker(readDoc('docs/deploy.md'), 'walkthrough');
const PORT_LINE = /^MOTO_PORT=\d+ SIMULATOR_PORT=\d+/;

interface Finished {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a script in its own process group and ends the whole group (background servers included). */
async function runScript(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finished> {
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const endGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // the group has ended already
    }
  };
  const timer = setTimeout(endGroup, timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  endGroup();
  return { code, output };
}

describe('docs/deploy.md: the moto walkthrough, run as written', () => {
  const home = mkdtempSync(join(tmpdir(), 'faspay-walkthrough-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('needs no AWS CLI (so it works the same with AWS CLI v1, v2 or none) and defines its ports on its first line', () => {
    expect(WALKTHROUGH.split('\n')[0]).toMatch(PORT_LINE);
    expect(WALKTHROUGH).not.toMatch(/(^|[;&|(]\s*)aws\s/m);
    expect(WALKTHROUGH).toContain('--require-approval never');
  });

  it('starts moto and the simulator, deploys, stores the first token and ends with status HEALTHY (and refresh says why moto cannot)', {
    timeout: 300_000,
  }, async () => {
    // GIVEN the block with free ports in place of the documented ones
    const [motoPort, simulatorPort] = [await freePort(), await freePort()];
    const script = WALKTHROUGH.replace(PORT_LINE, `MOTO_PORT=${motoPort} SIMULATOR_PORT=${simulatorPort}`);

    // WHEN it runs in a clean environment: no AWS settings but what the block exports, no network
    // (then, beyond the block: what `refresh` says on moto, which cannot run the function's code)
    const refreshOnMoto = 'set +e; "$PWD/node_modules/.bin/tsx" cli/main.ts refresh --force; echo "refresh exit $?"';
    const { code, output } = await runScript(
      `set -e\n${script}\n${refreshOnMoto}`,
      {
        PATH: process.env.PATH ?? '',
        HOME: home,
        TMPDIR: home,
        CDK_DISABLE_VERSION_CHECK: '1',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
      },
      240_000,
    );

    // THEN every command succeeded, the last one reports a healthy token, and nothing leaked
    expect(code, output.slice(-4000)).toBe(0);
    expect(output).toContain('created the secret, credentials sha256');
    expect(output).toContain('FaspayTokenRefresher.TokenParameterName = /faspay/sendme/access-token');
    expect(output).toMatch(/ok: refresh cycle complete/);
    expect(output).toMatch(/status {9}HEALTHY\n/);
    expect(output).toMatch(/failed with Handled: error running docker.*\nhint: this Lambda endpoint cannot run the function's code/);
    expect(output).toContain('refresh exit 5');
    expect(findLeaks(output, Object.values(DEMO_CREDENTIALS))).toEqual([]);
  });
});
