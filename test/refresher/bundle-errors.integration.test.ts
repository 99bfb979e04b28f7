import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from '../cli/cli-harness.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { captureOutput } from '../support/output-capture.js';
import { buildMinifiedRefresher } from '../support/refresher-bundles.js';
import { createCredentialsSecret, handlerEnv, lambdaContext } from '../support/refresher-harness.js';

/**
 * What an operator sees when the deployed function fails: Lambda reports the thrown error's `name`
 * as errorType and its `message` as errorMessage. Both bundles are checked: the asset the construct
 * deploys (dist/assets, built by the test setup) and a plain minified build without keepNames,
 * which shows the names survive minification on their own (each class names itself literally).
 */

const DEPLOYED_ASSET = new URL('../../dist/assets/refresher/index.mjs', import.meta.url).pathname;

type BundledHandler = (event: unknown, context: unknown) => Promise<unknown>;

let moto: MotoServer;
let simulator: RunningSimulator;
let outDir: string;
const bundles: Record<string, BundledHandler> = {};

beforeAll(async () => {
  moto = await startMoto();
  simulator = await startSimulator();
  // Credentials the simulator does not know: every token request is answered Unauthorized.
  await createCredentialsSecret(moto, { ...DEMO_CREDENTIALS, client_secret: 'not-the-registered-secret' });
  outDir = mkdtempSync(join(tmpdir(), 'refresher-errors-'));
  await buildMinifiedRefresher(join(outDir, 'index.mjs'));
  for (const [name, value] of Object.entries(handlerEnv(moto, simulator.url))) vi.stubEnv(name, value);
  const output = captureOutput();
  try {
    bundles['minified without keepNames'] = (
      (await import(pathToFileURL(join(outDir, 'index.mjs')).href)) as { handler: BundledHandler }
    ).handler;
    if (existsSync(DEPLOYED_ASSET))
      bundles['the deployed asset'] = ((await import(pathToFileURL(DEPLOYED_ASSET).href)) as { handler: BundledHandler }).handler;
  } finally {
    output.stop();
  }
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await simulator?.close();
  await moto?.stop();
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

/** The payload the Node.js Lambda runtime answers for a rejected handler promise. */
async function lambdaFailure(handler: BundledHandler, event: unknown): Promise<{ errorType: string; errorMessage: string }> {
  const output = captureOutput();
  try {
    await handler(event, lambdaContext());
  } catch (error) {
    return { errorType: (error as Error).name, errorMessage: (error as Error).message };
  } finally {
    output.stop();
  }
  throw new Error('expected the bundled handler to fail');
}

describe('the bundled refresher, failing', () => {
  it('is built both ways', () => {
    expect(Object.keys(bundles)).toContain('minified without keepNames');
    expect(existsSync(DEPLOYED_ASSET)).toBe(true);
    expect(Object.keys(bundles)).toContain('the deployed asset');
  });

  it.each([
    ['an event it refuses', { force: 'yes' }, 'EventError', 'EVENT_INVALID', EXIT_CODES.usage],
    ['Faspay refusing the credentials', { force: true }, 'FaspayError', 'FASPAY_UNAUTHORIZED', EXIT_CODES.faspay],
  ])(
    'reports a readable errorType and a coded errorMessage for %s, and the CLI exits by the code',
    async (_what, event, errorType, code, exitCode) => {
      for (const [bundle, handler] of Object.entries(bundles)) {
        // WHEN the bundle fails as Lambda would run it
        const failure = await lambdaFailure(handler, event);

        // THEN Lambda's errorType is the class name and errorMessage leads with the code
        expect({ bundle, errorType: failure.errorType }).toEqual({ bundle, errorType });
        expect(failure.errorMessage.startsWith(`${code}: `)).toBe(true);

        // AND `npm run refresh` maps that answer to the exit code of the same failure run locally
        const lambda = mockClient(LambdaClient);
        try {
          lambda.on(InvokeCommand).resolves({
            StatusCode: 200,
            FunctionError: 'Unhandled',
            Payload: new Uint8Array(Buffer.from(JSON.stringify({ ...failure, trace: [] }))) as InvokeCommandOutput['Payload'],
          });
          const run = await runCli(['refresh', '--function', 'faspay-token-refresher', '--json'], {
            env: { AWS_REGION: 'ap-southeast-3', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
          });
          expect({ bundle, code: run.code }).toEqual({ bundle, code: exitCode });
          expect(run.json()).toMatchObject({ error: { details: { errorType, functionErrorCode: code } } });
        } finally {
          lambda.restore();
        }
      }
    },
  );
});
