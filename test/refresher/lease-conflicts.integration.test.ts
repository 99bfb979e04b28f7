import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import { leaseParameterName, REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { EVENT_METRIC, METRIC } from '../../functions/contracts/telemetry.js';
import { createMemoryRefreshLease, LEASE_CLOCK_SKEW_MS } from '../../functions/refresher/lease.js';
import { createRefresher } from '../../functions/refresher/refresh.js';
import type { CodedError } from '../../functions/shared/coded-error.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { emfViolations } from '../support/emf-spec.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';
import { captureOutput } from '../support/output-capture.js';
import {
  createCredentialsSecret,
  type Handler,
  handlerEnv,
  lambdaContext,
  loadHandler,
  PARAMETER_NAME,
  readParameter,
  rejectionOf,
} from '../support/refresher-harness.js';

/** Another refresher's token parameter, named as this one's lease: the `x` / `x.lease` pair. */
const LEASE = leaseParameterName(PARAMETER_NAME);
const OTHER_TOKEN = JSON.stringify({ accessToken: 'other-refreshers-token', expiresAt: '2026-11-25T10:00:00.000Z' });

let moto: MotoServer;
let simulator: RunningSimulator;
let ssm: SSMClient;
let handler: Handler;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  moto = await startMoto();
  simulator = await startSimulator({ slowMs: 1000 });
  ssm = new SSMClient(moto.clientConfig);
});

afterAll(async () => {
  ssm?.destroy();
  await simulator?.close();
  await moto?.stop();
});

beforeEach(async () => {
  await resetMoto(moto);
  await createCredentialsSecret(moto, DEMO_CREDENTIALS);
  handler = await loadHandler(handlerEnv(moto, simulator.url));
  output = captureOutput();
});

afterEach(() => {
  output.stop();
  vi.unstubAllEnvs();
});

const putOtherToken = () => ssm.send(new PutParameterCommand({ Name: LEASE, Value: OTHER_TOKEN, Type: 'SecureString', Overwrite: true }));
async function leaseParameter() {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: LEASE, WithDecryption: true }));
  return { type: Parameter?.Type, value: Parameter?.Value, version: Parameter?.Version };
}

describe('the refresher next to a parameter named as its lease', () => {
  it("refuses to refresh with LEASE_NAME_TAKEN, buys no token and leaves the other refresher's token as it was", async () => {
    // GIVEN another refresher's SecureString token at this refresher's lease name
    await putOtherToken();
    const before = await leaseParameter();
    const requestsBefore = simulator.tokenRequests();

    // WHEN this refresher's token is due
    const error = await rejectionOf(handler({}, lambdaContext()));

    // THEN the run fails with the code, the other token is untouched, and Faspay was not asked
    expect(error.message).toMatch(/^LEASE_NAME_TAKEN: /);
    expect(error.message).not.toContain('other-refreshers-token');
    expect(await leaseParameter()).toEqual(before);
    expect(simulator.tokenRequests()).toBe(requestsBefore);
    expect(await readParameter(moto)).toBeUndefined();
  });

  it('logs and counts a release it could not make, keeps the run refreshed, and leaves what sits at the lease name', async () => {
    // GIVEN a refresh in flight (Faspay answers slowly)
    simulator.failNext('slow');
    const run = handler({}, lambdaContext());
    await vi.waitFor(() => leaseParameter(), { timeout: 5000, interval: 20 });
    // WHEN another refresher writes its token at the lease name meanwhile
    await putOtherToken();
    const before = await leaseParameter();

    // THEN the run still stores its token, warns, and counts the release it could not make
    await expect(run).resolves.toMatchObject({ refreshed: true });
    const warning = output.jsonLines().find((line) => line.level === 'WARN' && line.errorCode === 'LEASE_NAME_TAKEN');
    expect(warning?.message).toMatch(/refresh lease not released/);
    const emf = output.jsonLines().find((line) => '_aws' in line);
    expect(emf).toMatchObject({ [EVENT_METRIC.leaseReleaseFailed]: 1, [METRIC.refreshed]: 1, [METRIC.failed]: 0 });
    expect(emfViolations(emf)).toEqual([]);
    // AND the other refresher's token is exactly as it wrote it
    expect(await leaseParameter()).toEqual(before);
  });
});

describe('createRefresher: a lease it cannot release', () => {
  const NOW = new Date('2026-11-25T00:00:00Z');
  const POLICY = {
    refreshBeforeExpirySeconds: REFRESHER_SETTINGS.refreshBeforeExpirySeconds.default,
    refreshLookaheadSeconds: 0,
    rejectionCooldownSeconds: REFRESHER_SETTINGS.rejectionCooldownSeconds.default,
    httpTimeoutMs: 1000,
    maxAttempts: 1,
  };

  it('reports the failed release once, keeps the outcome, and blocks other runs only until the deadline', async () => {
    // GIVEN a lease whose release fails, and a run with 30 s left
    let now = NOW.getTime();
    const memory = createMemoryRefreshLease();
    const lease = { ...memory, release: () => Promise.reject(new Error('denied')) };
    const released: CodedError[] = [];
    const refresher = createRefresher({
      store: createMemoryTokenStore(() => new Date(now)),
      issuer: { open: async () => ({ request: async () => ({ accessToken: `tok-${now}`, expiresInSeconds: 36_000 }) }) },
      lease,
      clock: () => new Date(now),
      policy: POLICY,
      observer: { leaseReleaseFailed: (error) => released.push(error) },
    });
    const budget = (ms: number) => {
      const deadline = now + ms;
      return { remainingTimeMs: () => deadline - now };
    };

    // WHEN it refreshes
    const first = await refresher.refresh({ force: true }, budget(30_000));

    // THEN its outcome stands and the failed release is reported as a coded error
    expect(first).toMatchObject({ ok: true, summary: { refreshed: true } });
    expect(released.map((error) => error.code)).toEqual(['INTERNAL_ERROR']);
    // AND a scheduled force finds the lease held until the deadline plus the clock-skew margin, and takes it after
    expect(await refresher.refresh({ force: true, trigger: 'schedule' }, budget(30_000))).toMatchObject({
      summary: { reason: 'in-flight' },
    });
    now += 30_000 + LEASE_CLOCK_SKEW_MS + 1;
    expect(await refresher.refresh({ force: true, trigger: 'schedule' }, budget(30_000))).toMatchObject({ summary: { refreshed: true } });
  });
});
