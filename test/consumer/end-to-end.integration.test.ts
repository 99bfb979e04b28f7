import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFaspayTokenProvider, createSignedFaspayFetch, type FaspayTokenProvider } from '../../functions/consumer/index.js';
import { parseTokenDocument } from '../../functions/token/index.js';
import type { RunningSimulator, SimulatorRequestEvent } from '../../simulator/index.js';
import {
  type ConsumerWorld,
  expectNothingLeaked,
  resetConsumerWorld,
  startConsumerWorld,
  stopConsumerWorld,
} from '../support/consumer-world.js';
import type { MotoServer } from '../support/moto.js';
import type { captureOutput } from '../support/output-capture.js';
import {
  type Handler,
  handlerEnv,
  lambdaContext,
  loadHandler,
  PARAMETER_NAME,
  readParameter,
  rejectionOf,
  SECRET_NAME,
} from '../support/refresher-harness.js';

const BALANCE = '/account/api/balance_inquiry';

let moto: MotoServer;
let simulator: RunningSimulator;
let refresher: Handler;
let output: ReturnType<typeof captureOutput>;
let events: SimulatorRequestEvent[];
let world: ConsumerWorld;
const tokens: string[] = [];

type ExampleHandler = () => Promise<Record<string, unknown>>;

/** A cold start of the example consumer with `env` (it reads its configuration at import). */
async function loadExampleHandler(env: Record<string, string>): Promise<ExampleHandler> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  const module = (await import('../../functions/consumer/example-handler.js')) as unknown as { handler: ExampleHandler };
  return module.handler;
}

function exampleEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...moto.env,
    FASPAY_BASE_URL: simulator.url,
    TOKEN_PARAMETER_NAME: PARAMETER_NAME,
    FASPAY_CREDENTIALS_SECRET_ID: SECRET_NAME,
    ...extra,
  };
}

/** Runs the real refresher handler and remembers the token it stored (for the leak scan). */
async function refresh(event: Record<string, unknown>): Promise<void> {
  await refresher(event, lambdaContext());
  tokens.push(parseTokenDocument((await readParameter(moto))!.value).accessToken);
}

const serviceCalls = () => events.filter((event) => event.path === BALANCE).map((event) => event.status);

beforeAll(async () => {
  world = await startConsumerWorld();
  ({ moto, simulator, events } = world);
});

afterAll(() => stopConsumerWorld(world));

beforeEach(async () => {
  output = await resetConsumerWorld(world);
  refresher = await loadHandler(handlerEnv(moto, simulator.url));
});

afterEach(() => expectNothingLeaked(output, tokens));

describe('refresher → SSM (moto) → consumer → SendMe (simulator)', () => {
  let provider: FaspayTokenProvider;

  beforeEach(() => {
    // Default clients: the SDK finds moto through AWS_ENDPOINT_URL, as a deployed consumer finds AWS.
    provider = createFaspayTokenProvider({ parameterName: PARAMETER_NAME, credentialsSecretId: SECRET_NAME });
  });

  it('signs a balance inquiry with the published token, and the simulator accepts it', async () => {
    await refresh({});
    const sendme = createSignedFaspayFetch(provider, { baseUrl: simulator.url });

    const response = await sendme('GET', BALANCE);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: '2', response_code: '00' });
    expect((await provider.getToken()).accessToken).toBe(tokens.at(-1));
  });

  it('retries once with the new token when a forced refresh replaced a revoked one', async () => {
    // Prepare: the consumer holds token A; SendMe forgets A and the refresher is forced to publish B
    await refresh({});
    const sendme = createSignedFaspayFetch(provider, { baseUrl: simulator.url });
    expect((await sendme('GET', BALANCE)).status).toBe(200);
    simulator.revokeAll();
    await refresh({ force: true });

    // Act
    const response = await sendme('GET', BALANCE);

    // Assess
    expect(response.status).toBe(200);
    expect(serviceCalls()).toEqual([200, 401, 200]);
    expect((await provider.getToken()).accessToken).toBe(tokens.at(-1));
  });
});

describe('example consumer Lambda', () => {
  it('answers with a summary of the balance inquiry, without the token or the balance', async () => {
    await refresh({});
    const handler = await loadExampleHandler(exampleEnv());

    const summary = await handler();

    expect(summary).toEqual({
      ok: true,
      httpStatus: 200,
      faspayStatus: '2',
      responseCode: '00',
      responseDesc: 'success',
      currency: 'IDR',
      balanceReceived: true,
    });
    expect(serviceCalls()).toEqual([200]);
    expect(output.jsonLines()).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'balance inquiry answered', ok: true }));
    expect(output.text()).not.toContain('100000000');
  });

  it('recovers from Unauthorized after a forced refresh with one retry', async () => {
    await refresh({});
    const handler = await loadExampleHandler(exampleEnv());
    await handler();
    simulator.revokeAll();
    await refresh({ force: true });

    const summary = await handler();

    expect(summary).toMatchObject({ ok: true, httpStatus: 200 });
    expect(serviceCalls()).toEqual([200, 401, 200]);
  });

  it('rejects with SERVICE_CALL_FAILED when SendMe still refuses after the retry', async () => {
    await refresh({});
    simulator.revokeAll();
    const handler = await loadExampleHandler(exampleEnv());

    const error = await rejectionOf(handler());

    expect(error).toMatchObject({ code: 'SERVICE_CALL_FAILED' });
    expect(error.message).toBe('the balance inquiry failed: HTTP 401, status 9, response_code 01');
    expect(serviceCalls()).toEqual([401, 401]);
  });

  it('rejects with TOKEN_MISSING before the refresher ever ran', async () => {
    const handler = await loadExampleHandler(exampleEnv());
    const error = await rejectionOf(handler());
    expect(error).toMatchObject({ code: 'TOKEN_MISSING' });
    expect(serviceCalls()).toEqual([]);
  });

  it.each([
    [{ TOKEN_PARAMETER_NAME: '' }, 'environment variable TOKEN_PARAMETER_NAME is required but not set'],
    [{ FASPAY_CREDENTIALS_SECRET_ID: ' ' }, 'environment variable FASPAY_CREDENTIALS_SECRET_ID is required but not set'],
    [{ FASPAY_BASE_URL: 'http://sendme.example.com' }, /^FASPAY_BASE_URL must use https/],
    [{ FASPAY_TIMEZONE: 'Java/Bandung' }, /^FASPAY_TIMEZONE: unknown time zone "Java\/Bandung"/],
  ])('rejects every invocation with a message naming the variable when %o', async (override, message) => {
    const handler = await loadExampleHandler(exampleEnv(override));
    const errors = [await rejectionOf(handler()), await rejectionOf(handler())];
    expect(errors.map((error) => error.code)).toEqual(['CONFIG_INVALID', 'CONFIG_INVALID']);
    expect(errors[0]!.message).toMatch(message);
  });
});
