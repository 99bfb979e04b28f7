import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from './free-port.js';

export interface MotoServer {
  /** `http://localhost:PORT` (moto's CloudFormation parses S3 URLs, so `localhost`, not 127.0.0.1). */
  readonly endpoint: string;
  readonly port: number;
  /** Environment for a child process (the AWS CLI, cdk, a bundle) that must talk to this moto. */
  readonly env: Record<string, string>;
  /** AWS SDK v3 client configuration pointing at this moto. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  stop(): Promise<void>;
}

export const MOTO_REGION = 'ap-southeast-3';

/**
 * Starts `moto_server` on a free loopback port and waits until it answers.
 * Fails loudly (never skips) when moto_server is not installed: the integration tests are part of
 * the contract of `npm test`.
 */
export async function startMoto(): Promise<MotoServer> {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'moto_server is not installed or not on PATH: the integration tests need it (it is preinstalled on ' +
        'every machine of this project; see docs/architecture.md, "Development").',
    );
  }
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://localhost:${port}`;
  await waitUntilUp(endpoint, child, () => stderr);
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: MOTO_REGION,
      AWS_DEFAULT_REGION: MOTO_REGION,
    },
    clientConfig: { endpoint, region: MOTO_REGION, credentials },
    stop: () => stopChild(child),
  };
}

async function waitUntilUp(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with code ${child.exitCode}: ${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stopChild(child);
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Clears every resource in this moto (between tests that must not see each other's state). */
export async function resetMoto(moto: MotoServer): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`moto reset failed with HTTP ${response.status}`);
}
