import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { METRIC, TOKEN_PARAMETER_DIMENSION } from '../../functions/contracts/telemetry.js';
import { parseTokenDocument, serializeTokenDocument } from '../../functions/token/index.js';
import { lambdaContext, PARAMETER_NAME, readParameter } from '../support/refresher-harness.js';
import { rejectionReportEvent } from '../support/rejection-events.js';
import { requestToken } from '../support/request-token.js';
import { useWorld } from './support/lifecycle.js';
import { storeRaw } from './support/world.js';

/**
 * A consumer that finds the stored token rejected reports its version; the refresher replaces that
 * version once, and every further report about it costs one GetParameter: no Secrets Manager read,
 * no Faspay request. Against moto and the simulator; the consumer side and the simulator's
 * revoke-on-issue mode are covered end to end in test/consumer.
 */

const ctx = useWorld();

const report = (parameterVersion: number) => ({ tokenRejected: { parameterVersion } });

/** The event the consumer's PutEvents turns into, about this test's parameter by default. */
const envelope = (parameterVersion: number, parameterName = PARAMETER_NAME) => rejectionReportEvent({ parameterName, parameterVersion });

/** Stores a fresh token issued `minutesAgo`: random by default (the simulator refuses it on the check), or one it issued. */
async function seedFreshToken(minutesAgo: number, accessToken = randomBytes(512).toString('base64')) {
  ctx.world.seededTokens.push(accessToken);
  const now = Math.floor(Date.now() / 1000) * 1000;
  await storeRaw(
    ctx.world,
    serializeTokenDocument({
      accessToken,
      issuedAt: new Date(now - minutesAgo * 60_000),
      expiresAt: new Date(now + 9 * 3_600_000),
      refreshAt: new Date(now + 7 * 3_600_000),
    }),
  );
  return (await readParameter(ctx.world.moto))!;
}

function costs() {
  const requests = ctx.world.simulator.tokenRequests();
  const secretReads = ctx.world.aws.calls('SecretsManager.GetSecretValue');
  return () => ({
    tokenRequests: ctx.world.simulator.tokenRequests() - requests,
    secretReads: ctx.world.aws.calls('SecretsManager.GetSecretValue') - secretReads,
  });
}

describe('a rejected token', () => {
  it('is replaced after one report, and further reports for the old version cost nothing', async () => {
    // GIVEN a fresh token, issued 10 minutes ago, that SendMe has started to reject (an outside reissue)
    const seeded = await seedFreshToken(10);
    const handler = await ctx.coldStart();

    // WHEN a consumer reports its version, then many more report the same version
    const first = await ctx.evidence.invoke(handler, report(seeded.version), lambdaContext());
    const spent = costs();
    const later = [];
    for (let index = 0; index < 5; index++) later.push(await ctx.evidence.invoke(handler, envelope(seeded.version), lambdaContext()));

    // THEN the first report refreshed, with reason "rejected"
    expect(first).toMatchObject({ ok: true, result: { refreshed: true, reason: 'rejected', parameterVersion: seeded.version + 1 } });
    const stored = await readParameter(ctx.world.moto);
    expect(parseTokenDocument(stored!.value).accessToken).toBe(ctx.world.issuedTokens.at(-1));
    // AND the later reports about the replaced version cost no secret read and no token request
    for (const outcome of later) {
      expect(outcome).toMatchObject({
        ok: true,
        result: { refreshed: false, reason: 'report-outdated', parameterVersion: seeded.version + 1 },
      });
    }
    expect(spent()).toEqual({ tokenRequests: 0, secretReads: 0 });
  });

  it('is not replaced within the cooldown, but remembered: the same token stored again, due when the cooldown ends', async () => {
    const seeded = await seedFreshToken(0);
    const handler = await ctx.coldStart();
    const spent = costs();

    const outcome = await ctx.evidence.invoke(handler, report(seeded.version), lambdaContext());

    expect(outcome).toMatchObject({ ok: true, result: { refreshed: false, reason: 'cooldown', parameterVersion: seeded.version + 1 } });
    expect(spent()).toEqual({ tokenRequests: 0, secretReads: 0 });
    const before = parseTokenDocument(seeded.value);
    const after = parseTokenDocument((await readParameter(ctx.world.moto))!.value);
    expect(after).toEqual({ ...before, refreshAt: new Date(before.issuedAt.getTime() + 60_000) });
  });

  it('honours a shorter cooldown set by REJECTION_COOLDOWN_SECONDS', async () => {
    const seeded = await seedFreshToken(0);
    const handler = await ctx.coldStart({ REJECTION_COOLDOWN_SECONDS: '0' });

    const outcome = await ctx.evidence.invoke(handler, report(seeded.version), lambdaContext());

    expect(outcome).toMatchObject({ ok: true, result: { refreshed: true, reason: 'rejected' } });
  });

  it('reported by three containers at once costs one token', async () => {
    const seeded = await seedFreshToken(10);
    const handlers = [await ctx.coldStart(), await ctx.coldStart(), await ctx.coldStart()];
    const spent = costs();

    const outcomes = await Promise.all(handlers.map((handler) => ctx.evidence.invoke(handler, envelope(seeded.version), lambdaContext())));

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(spent().tokenRequests).toBe(1);
    expect(outcomes.filter((outcome) => outcome.ok && outcome.result.refreshed)).toHaveLength(1);
    // The others found the lease and stored the reported token again, due now (a report is never
    // lost); whatever the order of those writes, the new token ends up stored, on its own schedule.
    const stored = parseTokenDocument((await readParameter(ctx.world.moto))!.value);
    expect(stored.accessToken).toBe(ctx.world.issuedTokens.at(-1));
    expect(stored.refreshAt.getTime()).toBe(stored.expiresAt.getTime() - 7200_000);
  });

  it('is refuted when SendMe accepts it (a misconfigured consumer): no token bought, the metric counted, the log names no value', async () => {
    // GIVEN a token the simulator issued and accepts, stored 10 minutes ago
    const { accessToken } = await requestToken(ctx.world.simulator.url);
    const seeded = await seedFreshToken(10, accessToken);
    const handler = await ctx.coldStart();
    const spent = costs();

    // WHEN a consumer whose clock is wrong reports it
    const outcome = await ctx.evidence.invoke(handler, envelope(seeded.version), lambdaContext());

    // THEN no token was bought and the stored token is untouched
    expect(outcome).toMatchObject({ ok: true, result: { refreshed: false, reason: 'refuted', parameterVersion: seeded.version } });
    expect(spent().tokenRequests).toBe(0);
    expect(await readParameter(ctx.world.moto)).toEqual(seeded);
    // AND the metric counts it for this parameter, and the warning says what is wrong without naming anything secret
    const lines = ctx.output.jsonLines();
    const metrics = lines.find((line) => '_aws' in line);
    expect(metrics).toMatchObject({ [METRIC.reportRefuted]: 1, [METRIC.refreshed]: 0, [TOKEN_PARAMETER_DIMENSION]: PARAMETER_NAME });
    expect(lines.find((line) => line.reason === 'refuted')).toMatchObject({
      level: 'WARN',
      message: expect.stringContaining('some consumer is misconfigured (its clock, time zone or credentials)'),
      reportCheck: 'accepted',
    });
  });

  it('is confirmed by the check when SendMe refuses the token (a real revocation), and healed with one token', async () => {
    // GIVEN a token the simulator issued, then revoked by an outside reissue
    ctx.world.simulator.setRevokeOnIssue(true);
    try {
      const { accessToken } = await requestToken(ctx.world.simulator.url);
      const seeded = await seedFreshToken(10, accessToken);
      await requestToken(ctx.world.simulator.url);
      const handler = await ctx.coldStart();
      const spent = costs();

      const outcome = await ctx.evidence.invoke(handler, envelope(seeded.version), lambdaContext());

      expect(outcome).toMatchObject({ ok: true, result: { refreshed: true, reason: 'rejected' } });
      expect(spent().tokenRequests).toBe(1);
      expect(ctx.output.jsonLines().find((line) => line.reason === 'rejected')).toMatchObject({ reportCheck: 'refused' });
    } finally {
      ctx.world.simulator.setRevokeOnIssue(false);
    }
  });

  it('refuses a report about another parameter and one that tries to carry a force, changing nothing', async () => {
    const seeded = await seedFreshToken(10);
    const handler = await ctx.coldStart();
    const spent = costs();

    const other = await ctx.evidence.invoke(handler, envelope(seeded.version, '/someone/else'), lambdaContext());
    const sneaky = await ctx.evidence.invoke(
      handler,
      { tokenRejected: { parameterVersion: seeded.version, force: true } },
      lambdaContext(),
    );
    const forceInDetail = await ctx.evidence.invoke(
      handler,
      { ...envelope(seeded.version), detail: { parameterName: PARAMETER_NAME, parameterVersion: seeded.version, force: true } },
      lambdaContext(),
    );

    expect(other).toMatchObject({
      ok: false,
      error: { code: 'EVENT_INVALID', message: expect.stringMatching(/^EVENT_INVALID: the rejection report is about another parameter/) },
    });
    expect(sneaky).toMatchObject({
      ok: false,
      error: { code: 'EVENT_INVALID', message: expect.stringMatching(/unknown event keys: force/) },
    });
    expect(forceInDetail).toMatchObject({
      ok: false,
      error: { code: 'EVENT_INVALID', message: expect.stringMatching(/unknown event keys: force/) },
    });
    expect((await readParameter(ctx.world.moto))!.version).toBe(seeded.version);
    expect(spent()).toEqual({ tokenRequests: 0, secretReads: 0 });
  });
});
