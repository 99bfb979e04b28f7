/**
 * A warm scheduled no-op run and a warm forced refresh of the real handler against local stand-ins
 * (moto for SSM and Secrets Manager, the project's simulator for Faspay), split into time spent in
 * the project's own code and time waiting on the adapters' calls.
 * Run: npm run bench:warm (also part of npm run bench). Prints a Markdown section.
 */

import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { DEFAULT_TOKEN_PARAMETER_NAME, renderRefresherEnvironment } from '../functions/contracts/settings.js';
import { DEMO_CREDENTIALS, startSimulator } from '../simulator/index.js';
import { startMoto } from '../test/support/moto.js';
import { ms, summarize } from './lib/stats.js';

const NO_OP_RUNS = Number(process.env.BENCH_NOOP_RUNS ?? 100);
const REFRESH_RUNS = Number(process.env.BENCH_REFRESH_RUNS ?? 40);

type Send = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/**
 * Times every call that leaves the process: both SDK clients' `send` (serialisation, signing and the
 * HTTP round trip to moto) and `fetch` to Faspay including reading the answer's body.
 */
function instrumentIo() {
  let waitedMs = 0;
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await call();
    } finally {
      waitedMs += performance.now() - start;
    }
  };
  const ssm = SSMClient.prototype as unknown as { send: Send };
  const send = ssm.send;
  ssm.send = function (this: unknown, ...args: unknown[]) {
    return timed(() => send.apply(this, args));
  };
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) =>
    timed(async () => {
      const answer = await realFetch(input, init);
      const body = await answer.arrayBuffer();
      return new Response(body, { status: answer.status, headers: answer.headers });
    });
  return {
    /** The time waited since the last call, and a fresh start. */
    take(): number {
      const value = waitedMs;
      waitedMs = 0;
      return value;
    },
  };
}

function context(): Context {
  const deadline = Date.now() + 60_000;
  return { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
}

export async function runWarmBench() {
  const moto = await startMoto();
  const simulator = await startSimulator();
  try {
    await new SecretsManagerClient(moto.clientConfig).send(
      new CreateSecretCommand({ Name: 'faspay/sendme/credentials', SecretString: JSON.stringify(DEMO_CREDENTIALS) }),
    );
    Object.assign(
      process.env,
      moto.env,
      renderRefresherEnvironment({
        faspayBaseUrl: new URL(simulator.url),
        credentialsSecretId: 'faspay/sendme/credentials',
        tokenParameterName: DEFAULT_TOKEN_PARAMETER_NAME,
      }),
    );
    const io = instrumentIo();
    const { handler } = await import('../functions/lambda/handler.js');
    // Logs and metrics are still formatted (that is the code's cost) but not printed.
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const measure = async (event: unknown, runs: number) => {
      const total: number[] = [];
      const waited: number[] = [];
      for (let run = 0; run < runs; run++) {
        io.take();
        const start = performance.now();
        await handler(event, context());
        total.push(performance.now() - start);
        waited.push(io.take());
      }
      return { total: summarize(total), waited: summarize(waited), own: summarize(total.map((t, i) => t - waited[i]!)) };
    };
    try {
      await measure({ force: true }, 5);
      await measure({}, 5);
      return { noOp: await measure({}, NO_OP_RUNS), refresh: await measure({ force: true }, REFRESH_RUNS) };
    } finally {
      process.stdout.write = write;
    }
  } finally {
    await simulator.close();
    await moto.stop();
  }
}

function format({ noOp, refresh }: Awaited<ReturnType<typeof runWarmBench>>): string {
  const row = (name: string, figures: typeof noOp) =>
    `| ${name} | ${ms(figures.total.median)} (p90 ${ms(figures.total.p90)}) | ${ms(figures.waited.median)} | **${ms(figures.own.median)}** (p90 ${ms(figures.own.p90)}) |`;
  return [
    '## Warm runs against local stand-ins',
    '',
    'The real handler (its TypeScript source, run by tsx) warm in one process, moto for SSM and Secrets Manager, the simulator for Faspay, all on loopback.',
    "\"Waiting\" is the wall time inside the adapters' calls (the SSM client's `send`, which includes the SDK's own serialisation and",
    "signing, and `fetch` with the answer's body: Faspay's and Secrets Manager's); \"own code\" is the rest: event parsing, decision,",
    "signing (Faspay's, and the SigV4 signature of the Secrets Manager read), parsing, logging, metrics.",
    '',
    `| run | total, median | waiting on calls, median | own code, median |`,
    '|---|---|---|---|',
    row(`scheduled run, token fresh (no-op: 1 GetParameter), ${noOp.total.n} runs`, noOp),
    row(
      `forced refresh (GetParameter, lease PutParameter, GetParameter, GetSecretValue, token request, PutParameter, lease DeleteParameter), ${refresh.total.n} runs`,
      refresh,
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${format(await runWarmBench())}\n`);
}
