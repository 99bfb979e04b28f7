import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFaspayTokenProvider } from '../../functions/consumer/index.js';
import { serializeTokenDocument, type TokenDocument } from '../../functions/token/index.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';
import { fakeClock, HOUR_MS, PARAMETER, rejectionOf, tokenDocument } from './fixtures.js';

let moto: MotoServer;
let ssm: SSMClient;
let getParameterRequests: number;
let clock: ReturnType<typeof fakeClock>;

beforeAll(async () => {
  moto = await startMoto();
  ssm = new SSMClient(moto.clientConfig);
  // Counted per HTTP attempt (the deserialize step runs once for each request that reaches moto).
  ssm.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetParameterCommand') getParameterRequests++;
      return next(args);
    },
    { step: 'deserialize', name: 'countGetParameterRequests' },
  );
});

afterAll(async () => {
  ssm?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await resetMoto(moto);
  getParameterRequests = 0;
  clock = fakeClock();
});

async function publish(document: TokenDocument): Promise<void> {
  await ssm.send(
    new PutParameterCommand({ Name: PARAMETER, Value: serializeTokenDocument(document), Type: 'SecureString', Overwrite: true }),
  );
}

function setup() {
  return createFaspayTokenProvider({ parameterName: PARAMETER, ssmClient: ssm, clock: clock.now });
}

describe('token provider against SSM in moto', () => {
  it('serves 1,000 concurrent and then 1,000 sequential calls with exactly one GetParameter', async () => {
    const document = tokenDocument(clock.nowMs());
    await publish(document);
    const provider = setup();

    const concurrent = await Promise.all(Array.from({ length: 1000 }, () => provider.getToken()));
    const sequential: string[] = [];
    for (let i = 0; i < 1000; i++) sequential.push((await provider.getToken()).accessToken);

    expect(getParameterRequests).toBe(1);
    expect(new Set([...concurrent.map((token) => token.accessToken), ...sequential])).toEqual(new Set([document.accessToken]));
    expect(concurrent[0]).toEqual({
      accessToken: document.accessToken,
      issuedAt: document.issuedAt,
      expiresAt: document.expiresAt,
      refreshAt: document.refreshAt,
      parameterVersion: 1,
    });
  });

  it('re-reads exactly once after refreshAt and serves the refreshed token', async () => {
    const first = tokenDocument(clock.nowMs());
    await publish(first);
    const provider = setup();
    await provider.getToken();
    const second = tokenDocument(first.refreshAt.getTime());
    await publish(second);

    clock.set(first.refreshAt.getTime() + 30_000);
    const concurrent = await Promise.all(Array.from({ length: 1000 }, () => provider.getToken()));
    for (let i = 0; i < 100; i++) await provider.getToken();

    expect(getParameterRequests).toBe(2);
    expect(new Set(concurrent.map((token) => token.accessToken))).toEqual(new Set([second.accessToken]));
  });

  it('re-reads after invalidate()', async () => {
    await publish(tokenDocument(clock.nowMs()));
    const provider = setup();
    await provider.getToken();
    const replaced = tokenDocument(clock.nowMs());
    await publish(replaced);

    provider.invalidate();
    const after = await Promise.all(Array.from({ length: 100 }, () => provider.getToken()));

    expect(getParameterRequests).toBe(2);
    expect(after.every((token) => token.accessToken === replaced.accessToken)).toBe(true);
  });

  it('never returns an expired stored token: TOKEN_EXPIRED instead', async () => {
    const expired = tokenDocument(clock.nowMs() - 10 * HOUR_MS);
    await publish(expired);

    const error = await rejectionOf(setup().getToken());

    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.message).not.toContain(expired.accessToken);
  });

  it('stops serving a cached token at its expiresAt when the refresher never replaced it', async () => {
    const document = tokenDocument(clock.nowMs());
    await publish(document);
    const provider = setup();
    await provider.getToken();

    clock.set(document.expiresAt.getTime() - 1);
    const lastValid = await provider.getToken();
    clock.set(document.expiresAt.getTime());
    const error = await rejectionOf(provider.getToken());

    expect(lastValid.accessToken).toBe(document.accessToken);
    expect(error.code).toBe('TOKEN_EXPIRED');
  });

  it('reports a parameter that does not exist as TOKEN_MISSING (0.1: PARAMETER_NOT_FOUND)', async () => {
    const error = await rejectionOf(setup().getToken());
    expect(error).toMatchObject({ code: 'TOKEN_MISSING', legacyCode: 'PARAMETER_NOT_FOUND' });
    expect(error.message).toContain(PARAMETER);
  });
});
