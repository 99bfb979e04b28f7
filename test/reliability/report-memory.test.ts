import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSsmRefreshLease } from '../../functions/adapters/parameter-lease.js';
import { createSsmTokenStore } from '../../functions/adapters/parameter-store.js';
import { leaseParameterName, type RefresherConfig, refresherConfigOf } from '../../functions/contracts/settings.js';
import { createFaspaySigner, formatFaspayTimestamp } from '../../functions/faspay/index.js';
import { composeRefresher } from '../../functions/lambda/composition.js';
import type { RefreshOrder } from '../../functions/refresher/refresh.js';
import { parseTokenDocument } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';
import { captureOutput, findLeaks } from '../support/output-capture.js';
import { createCredentialsSecret, PARAMETER_NAME, readParameter, SECRET_NAME } from '../support/refresher-harness.js';
import { requestToken } from '../support/request-token.js';

/**
 * Issue 15, cases 1-3, as a payout fleet meets them: the composed refresher (the Lambda's own
 * composition root) over moto, against the simulator in revoke-on-issue mode, all on one virtual
 * clock (the simulator checks signature timestamps against it). An outside reissue revokes the
 * stored token; a consumer's report that cannot act now must still lead to a replacement as soon as
 * one is allowed, and a report about a token SendMe accepts must buy nothing.
 */

const BALANCE = '/account/api/balance_inquiry';
const COOLDOWN_S = 60;
const SCHEDULE: RefreshOrder = { force: false, trigger: 'schedule' };
const FORCE: RefreshOrder = { force: true };
const report = (parameterVersion: number): RefreshOrder => ({ force: false, trigger: 'rejection', tokenRejected: { parameterVersion } });

let moto: MotoServer;
let simulator: RunningSimulator;
let now = 0;
const clock = () => new Date(now);
const issued: string[] = [];
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  moto = await startMoto();
  simulator = await startSimulator({
    revokeOnIssue: true,
    now: clock,
    tokenFactory: () => {
      const token = `tok-${issued.length}-${'x'.repeat(600)}`;
      issued.push(token);
      return token;
    },
  });
});
afterAll(async () => {
  await simulator?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await resetMoto(moto);
  await createCredentialsSecret(moto, DEMO_CREDENTIALS);
  simulator.revokeAll();
  simulator.clearFaults();
  issued.length = 0;
  now = Math.floor(Date.now() / 1000) * 1000;
  output = captureOutput();
});
afterEach(() => {
  output.stop();
  expect(findLeaks(output.text(), [...Object.values(DEMO_CREDENTIALS), ...issued])).toEqual([]);
});

function refresher(settings: Partial<RefresherConfig> = {}) {
  const config = refresherConfigOf({
    faspayBaseUrl: new URL(simulator.url),
    credentialsSecretId: SECRET_NAME,
    tokenParameterName: PARAMETER_NAME,
    rejectionCooldownSeconds: COOLDOWN_S,
    httpTimeoutMs: 1500,
    ...settings,
  });
  const { refresher: composed } = composeRefresher(config, {
    clock,
    ssm: new SSMClient(moto.clientConfig),
    secretsManager: new SecretsManagerClient(moto.clientConfig),
    sleep: async (ms) => {
      now += ms;
    },
  });
  return (order: RefreshOrder) => composed.refresh(order, { remainingTimeMs: () => 60_000 });
}

const at = (seconds: number) => {
  now += seconds * 1000;
};

/** A consumer's call, signed with whatever token is stored now: SendMe's HTTP status. */
async function consumerCall(): Promise<number> {
  const stored = parseTokenDocument((await readParameter(moto))!.value);
  const headers = createFaspaySigner(DEMO_CREDENTIALS).serviceCallHeaders(
    'GET',
    BALANCE,
    formatFaspayTimestamp(clock()),
    stored.accessToken,
  );
  const response = await fetch(`${simulator.url}${BALANCE}`, { headers: { ...headers } });
  await response.arrayBuffer();
  return response.status;
}

/** Another system with the same credentials asks for its own token: with revoke-on-issue, the stored one is revoked. */
async function outsideReissue(): Promise<void> {
  await requestToken(simulator.url, { requestedAt: clock() });
}

describe('case 1: a report inside the cooldown', () => {
  it('is remembered: the first scheduled run after the cooldown replaces the token, without any cold start', async () => {
    // GIVEN a forced refresh (the runbook's "force, then check"), and an outside reissue 2 s later
    const run = refresher();
    const forced = await run(FORCE);
    expect(forced).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'forced', parameterVersion: 1 } });
    at(2);
    await outsideReissue();
    expect(await consumerCall()).toBe(401);
    const bought = simulator.tokenRequests();

    // WHEN the consumer's one report for that version arrives inside the cooldown
    at(1);
    const reported = await run(report(1));
    // AND the schedule runs inside the cooldown, then once after it
    at(30);
    const early = await run(SCHEDULE);
    at(COOLDOWN_S);
    const after = await run(SCHEDULE);

    // THEN the report bought nothing but stored the same token again, due when the cooldown ends
    expect(reported).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'cooldown', parameterVersion: 2 } });
    if (!reported.ok) return;
    expect(Date.parse(reported.summary.refreshAt!) - Date.parse(forced.ok ? forced.summary.refreshAt! : '')).toBeLessThan(0);
    // AND the run inside the cooldown left it; the first one after it replaced it, and consumers are served
    expect(early).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'fresh' } });
    expect(after).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'due', parameterVersion: 3 }, reportCheck: 'refused' });
    expect(simulator.tokenRequests() - bought).toBe(1);
    expect(await consumerCall()).toBe(200);
  });

  it('is remembered once: more reports of the same version inside the cooldown write nothing more', async () => {
    const run = refresher();
    await run(FORCE);
    at(2);
    await outsideReissue();
    const first = await run(report(1));
    const second = await run(report(2));
    const third = await run(report(1));
    expect(first).toMatchObject({ ok: true, summary: { reason: 'cooldown', parameterVersion: 2 } });
    expect(second).toMatchObject({ ok: true, summary: { reason: 'cooldown', parameterVersion: 2 } });
    expect(third).toMatchObject({ ok: true, summary: { reason: 'report-outdated', parameterVersion: 2 } });
    expect((await readParameter(moto))!.version).toBe(2);
  });
});

describe('the SSM token store', () => {
  it('reads an earlier version (name:version), which the repair of a raced re-store needs, and nothing past the latest', async () => {
    const store = createSsmTokenStore(new SSMClient(moto.clientConfig), { parameterName: PARAMETER_NAME });
    await store.write('{"first":1}');
    await store.write('{"second":2}');
    expect(await store.readVersion?.(1)).toMatchObject({ value: '{"first":1}', version: 1 });
    expect(await store.readVersion?.(3)).toBeUndefined();
  });
});

describe('case 2: a report that finds a live lease', () => {
  it("is remembered: after a crashed run's lease expires, the next scheduled run replaces the token", async () => {
    // GIVEN a token an outside reissue revoked, and a crashed run's lease that lasts 60 s more
    const run = refresher();
    await run(FORCE);
    at(600);
    await outsideReissue();
    const leaseDeadline = new Date(now + 60_000);
    const crashed = await createSsmRefreshLease(new SSMClient(moto.clientConfig), leaseParameterName(PARAMETER_NAME)).acquire(
      { holder: 'crashed-run', expiresAt: leaseDeadline },
      clock(),
    );
    expect(crashed).toEqual({ acquired: true });
    const bought = simulator.tokenRequests();

    // WHEN the consumer's report arrives while the lease is live, and the schedule runs before and after its deadline
    const reported = await run(report(1));
    at(30);
    const during = await run(SCHEDULE);
    now = leaseDeadline.getTime() + 10_000;
    const after = await run(SCHEDULE);

    // THEN the report was checked (refused: a real revocation), bought nothing and left the token due
    expect(reported).toMatchObject({
      ok: true,
      summary: { refreshed: false, reason: 'in-flight', parameterVersion: 2 },
      reportCheck: 'refused',
    });
    expect(during).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'in-flight' } });
    // AND the first run after the lease's deadline took it over and replaced the token
    expect(after).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'due' } });
    expect(simulator.tokenRequests() - bought).toBe(1);
    expect(await consumerCall()).toBe(200);
  });

  it('is remembered when the replacement fails: the token stays due until a run replaces it', async () => {
    const run = refresher();
    await run(FORCE);
    at(600);
    await outsideReissue();
    simulator.setFault('http-500');

    const failed = await run(report(1));
    at(60);
    simulator.clearFaults();
    const healed = await run(SCHEDULE);

    expect(failed).toMatchObject({ ok: false, reason: 'rejected', error: { code: 'FASPAY_HTTP_ERROR' } });
    expect(healed).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'due' } });
    expect(await consumerCall()).toBe(200);
  });
});

describe('case 3: verify before buying', () => {
  it("refutes a misconfigured consumer's report (the stored token works): no token bought, the token keeps its schedule", async () => {
    // GIVEN a good token, 10 minutes old, that SendMe accepts
    const run = refresher();
    const forced = await run(FORCE);
    at(600);
    const bought = simulator.tokenRequests();

    // WHEN a consumer whose clock is wrong reports it, inside and past the cooldown, and the schedule runs
    const refuted = await run(report(1));
    at(3600);
    const scheduled = await run(SCHEDULE);

    // THEN nothing was bought and the stored token and its schedule are as they were
    expect(refuted).toMatchObject({
      ok: true,
      summary: { refreshed: false, reason: 'refuted', parameterVersion: 1 },
      reportCheck: 'accepted',
    });
    expect(scheduled).toMatchObject({ ok: true, summary: { refreshed: false, reason: 'fresh', parameterVersion: 1 } });
    expect(simulator.tokenRequests() - bought).toBe(0);
    expect(forced.ok && forced.summary.refreshAt).toBe(scheduled.ok && scheduled.summary.refreshAt);
  });

  it('buys nothing for a report remembered inside the cooldown when the due run finds the token accepted, and restores its schedule', async () => {
    const run = refresher();
    const forced = await run(FORCE);
    const bought = simulator.tokenRequests();
    at(5);
    const remembered = await run(report(1));
    at(COOLDOWN_S);
    const due = await run(SCHEDULE);
    at(60);
    const later = await run(SCHEDULE);

    expect(remembered).toMatchObject({ ok: true, summary: { reason: 'cooldown', parameterVersion: 2 } });
    expect(due).toMatchObject({
      ok: true,
      summary: { refreshed: false, reason: 'verified', parameterVersion: 3 },
      reportCheck: 'accepted',
    });
    expect(due.ok && due.summary.refreshAt).toBe(forced.ok && forced.summary.refreshAt);
    expect(later).toMatchObject({ ok: true, summary: { reason: 'fresh', parameterVersion: 3 } });
    expect(simulator.tokenRequests() - bought).toBe(0);
  });

  it('trusts the report when the check cannot tell (SendMe down for service calls) or is turned off', async () => {
    const run = refresher();
    await run(FORCE);
    at(600);
    // SendMe answers the check with HTTP 500: the check says nothing, so the report stands.
    simulator.failNextServiceCall('http-500');
    const confirmed = await run(report(1));
    expect(confirmed).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'rejected' }, reportCheck: 'inconclusive' });

    const unchecked = refresher({ rejectionCheckPath: false });
    at(600);
    const trusted = await unchecked(report(2));
    expect(trusted).toMatchObject({ ok: true, summary: { refreshed: true, reason: 'rejected' } });
    expect(trusted).not.toHaveProperty('reportCheck');
  });
});

describe('case 6: a grant longer than 48 h', () => {
  it('stores a 172801 s grant with its lifetime capped at 48 h', async () => {
    const long = await startSimulator({ tokenLifetimeSeconds: 172_801, now: clock, tokenFactory: () => `long-${'y'.repeat(600)}` });
    try {
      const result = await refresher({ faspayBaseUrl: new URL(long.url) })(FORCE);
      expect(result).toMatchObject({ ok: true, summary: { refreshed: true }, grantedSeconds: 172_801 });
      const stored = parseTokenDocument((await readParameter(moto))!.value);
      expect((stored.expiresAt.getTime() - stored.issuedAt.getTime()) / 1000).toBe(172_800);
    } finally {
      await long.close();
    }
  });

  it.each([
    // The simulator issues a token (revoking the stored one) and answers it unreadably: the next run finds the stored token refused.
    ['expired-in-non-numeric', 'refused', { refreshed: true, reason: 'due' }],
    // The simulator answers broken JSON without issuing anything: the stored token still works and keeps its schedule.
    ['malformed-json', 'accepted', { refreshed: false, reason: 'verified' }],
  ] as const)(
    'after a %s answer (Faspay may have issued a token), leaves the stored token due and reports no lifetime for it',
    async (fault, check, summary) => {
      const run = refresher();
      await run(FORCE);
      at(600);
      simulator.setFault(fault);
      const failed = await run(FORCE);
      at(1);
      simulator.clearFaults();
      const next = await run(SCHEDULE);

      expect(failed).toMatchObject({ ok: false, reason: 'forced', error: { code: 'FASPAY_BAD_RESPONSE' }, tokenRemainingSeconds: 0 });
      expect(next).toMatchObject({ ok: true, summary, reportCheck: check });
      expect(await consumerCall()).toBe(200);
    },
  );
});
