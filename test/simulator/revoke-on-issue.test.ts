import { afterEach, describe, expect, it } from 'vitest';
import { createFaspaySigner, formatFaspayTimestamp } from '../../functions/faspay/index.js';
import { createTokenLedger, DEMO_CREDENTIALS, FAULTS, faultAnswer, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { requestToken } from '../support/request-token.js';

const BALANCE = '/account/api/balance_inquiry';
const signer = createFaspaySigner(DEMO_CREDENTIALS);

let simulator: RunningSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function tokenFrom(url: string): Promise<string> {
  return (await requestToken(url)).accessToken;
}

async function balanceWith(url: string, token: string): Promise<{ status: number; body: Record<string, string> }> {
  const headers = signer.serviceCallHeaders('GET', BALANCE, formatFaspayTimestamp(new Date(), 'Asia/Jakarta'), token);
  const response = await fetch(`${url}${BALANCE}`, { headers: { ...headers } });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('Function: startSimulator, revoke on issue', () => {
  it('accepts every unexpired token it issued by default', async () => {
    simulator = await startSimulator();
    const first = await tokenFrom(simulator.url);
    const second = await tokenFrom(simulator.url);

    expect((await balanceWith(simulator.url, first)).status).toBe(200);
    expect((await balanceWith(simulator.url, second)).status).toBe(200);
    expect(simulator.issuedTokens()).toBe(2);
  });

  it('with revokeOnIssue, a new token revokes every earlier one', async () => {
    // Prepare
    simulator = await startSimulator({ revokeOnIssue: true });
    const stored = await tokenFrom(simulator.url);

    // Act: an outside system asks for its own token with the same credentials
    const outside = await tokenFrom(simulator.url);

    // Assess
    const refused = await balanceWith(simulator.url, stored);
    expect(refused).toEqual({
      status: 401,
      body: expect.objectContaining({ status: '9', response_desc: 'Unauthorized: access token was revoked' }),
    });
    expect((await balanceWith(simulator.url, outside)).status).toBe(200);
    expect(simulator.issuedTokens()).toBe(1);
  });

  it('switches the mode at run time', async () => {
    simulator = await startSimulator();
    const first = await tokenFrom(simulator.url);
    simulator.setRevokeOnIssue(true);
    await tokenFrom(simulator.url);
    expect((await balanceWith(simulator.url, first)).status).toBe(401);
  });

  it('a token created by a fault answer (slow, broken off) revokes too: Faspay created it', async () => {
    simulator = await startSimulator({ revokeOnIssue: true, slowMs: 50 });
    const stored = await tokenFrom(simulator.url);
    simulator.failNext('reset-mid-body');
    await expect(tokenFrom(simulator.url)).rejects.toMatchObject({ code: expect.stringMatching(/^FASPAY_/) });
    expect((await balanceWith(simulator.url, stored)).status).toBe(401);
  });
});

describe('Function: createTokenLedger', () => {
  it('tells revoked, expired and unknown tokens apart', () => {
    let nowMs = 0;
    const ledger = createTokenLedger({ now: () => nowMs, revokeOnIssue: true });
    ledger.issue('a', 10);
    ledger.issue('b', 10);
    expect([ledger.problemWith('a'), ledger.problemWith('b'), ledger.problemWith('c')]).toEqual([
      'access token was revoked',
      undefined,
      'access token was not issued by this server',
    ]);
    nowMs = 10_000;
    expect(ledger.problemWith('b')).toBe('access token has expired');
    expect(ledger.expiryOf('a')).toBe(10_000);
  });
});

describe('Function: faultAnswer (the one table both Faspay stand-ins render)', () => {
  it.each(FAULTS)('%s: a complete answer, with a token only when Faspay would have created one', (fault) => {
    let issued = 0;
    const answer = faultAnswer(fault, () => `token-${++issued}`, 36_000);
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.body.length).toBeGreaterThan(0);
    expect(issued).toBe(answer.issuedToken === undefined ? 0 : 1);
  });
});
