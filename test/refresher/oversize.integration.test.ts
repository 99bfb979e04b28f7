import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseTokenDocument } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';
import { captureOutput } from '../support/output-capture.js';
import {
  createCredentialsSecret,
  handlerEnv,
  lambdaContext,
  loadHandler,
  readParameter,
  rejectionOf,
} from '../support/refresher-harness.js';

/** A token whose document is about 4.5 KB: under the Advanced tier's 8 KB, over the Standard tier's 4 KB. */
const OVERSIZE_TOKEN = 'x'.repeat(4400);

let moto: MotoServer;
let simulator: RunningSimulator;
let output: ReturnType<typeof captureOutput>;
let nextToken: string;

beforeAll(async () => {
  moto = await startMoto();
  simulator = await startSimulator({ tokenFactory: () => nextToken });
});

afterAll(async () => {
  await simulator?.close();
  await moto?.stop();
});

beforeEach(async () => {
  await resetMoto(moto);
  await createCredentialsSecret(moto, DEMO_CREDENTIALS);
  nextToken = 'normal-token';
  output = captureOutput();
});

afterEach(() => {
  output.stop();
  vi.unstubAllEnvs();
});

describe('a token whose document does not fit the parameter', () => {
  it('fails the run with TOKEN_TOO_LARGE, once (no retry), and leaves the stored token, due now (the new one may have revoked it)', async () => {
    const handler = await loadHandler(handlerEnv(moto, simulator.url));
    await handler({}, lambdaContext());
    const before = await readParameter(moto);
    nextToken = OVERSIZE_TOKEN;
    const requestsBefore = simulator.tokenRequests();

    const error = await rejectionOf(handler({ force: true }, lambdaContext()));

    expect(error).toMatchObject({
      name: 'TokenTooLargeError',
      code: 'TOKEN_TOO_LARGE',
      message: expect.stringMatching(/^TOKEN_TOO_LARGE: the token document is \d+ bytes, more than the 4096 bytes.*advancedTier/),
    });
    expect(simulator.tokenRequests() - requestsBefore).toBe(1);
    const after = await readParameter(moto);
    const was = parseTokenDocument(before!.value);
    const now = parseTokenDocument(after!.value);
    expect({ ...now, refreshAt: was.refreshAt }).toEqual(was);
    expect(now.refreshAt.getTime()).toBeLessThan(was.refreshAt.getTime());
  });

  it('is stored with Intelligent-Tiering (Advanced only when needed) when the Advanced tier is allowed', async () => {
    const handler = await loadHandler(handlerEnv(moto, simulator.url, { TOKEN_PARAMETER_ADVANCED_TIER: 'true' }));
    nextToken = OVERSIZE_TOKEN;

    const summary = await handler({}, lambdaContext());

    expect(summary).toMatchObject({ refreshed: true, reason: 'missing' });
    const stored = await readParameter(moto);
    expect(parseTokenDocument(stored!.value).accessToken).toBe(OVERSIZE_TOKEN);
    const { Parameters } = await new SSMClient(moto.clientConfig).send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/faspay/sendme/access-token'] }] }),
    );
    expect(Parameters?.map((parameter) => [parameter.Type, parameter.Tier])).toEqual([
      ['SecureString', expect.stringMatching(/^(Intelligent-Tiering|Advanced)$/)],
    ]);
  });
});
