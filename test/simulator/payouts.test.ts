import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import {
  createFaspayTokenProvider,
  createSignedFaspayFetch,
  type FaspayTokenProvider,
  type SignedFaspayFetch,
} from '../../functions/consumer/index.js';
import { createFaspaySigner, formatFaspayTimestamp, type HttpMethod } from '../../functions/faspay/index.js';
import { createTokenDocument, serializeTokenDocument } from '../../functions/token/index.js';
import {
  DEFAULT_SIMULATED_BALANCE,
  DEMO_CREDENTIALS,
  methodOf,
  type RunningSimulator,
  SERVICE_PATH,
  SERVICE_PATHS,
  type SimulatorRequestEvent,
  servicePathOf,
  startSimulator,
} from '../../simulator/index.js';
import { requestToken } from '../support/request-token.js';

/*
 * The payout flow a payout Lambda runs, against the simulator through the consumer's own signed
 * fetch: register a beneficiary, confirm it, transfer, ask for the transfer's status. One simulator
 * for the file; each test starts from a fresh token and an empty event list.
 */

let simulator: RunningSimulator;
const events: SimulatorRequestEvent[] = [];
let provider: FaspayTokenProvider;
let sendme: SignedFaspayFetch;
let accessToken: string;
let trxCounter = 0;

const VA = '9920001189';
const BENEFICIARY = { beneficiary_account: '1060045760', beneficiary_account_name: 'Budi Santoso', beneficiary_bank_code: '014' };

beforeAll(async () => {
  simulator = await startSimulator({ onRequest: (event) => events.push(event) });
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(async () => {
  simulator.clearFaults();
  const store = createMemoryTokenStore();
  const requestedAt = new Date();
  const grant = await requestToken(simulator.url, { requestedAt });
  accessToken = grant.accessToken;
  await store.write(serializeTokenDocument(createTokenDocument(grant, requestedAt, 7200)));
  provider = createFaspayTokenProvider({ parameterName: '/faspay/sendme/access-token', tokenSource: store, credentials: DEMO_CREDENTIALS });
  sendme = createSignedFaspayFetch(provider, { baseUrl: simulator.url, onTokenRejected: () => undefined });
  events.length = 0;
});

async function call(method: HttpMethod, path: string, init: Parameters<SignedFaspayFetch>[2] = {}) {
  const response = await sendme(method, path, init);
  return { httpStatus: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** register, then confirm: the beneficiary's virtual account, which transfers are addressed to. */
async function confirmedBeneficiary(): Promise<string> {
  await call('POST', SERVICE_PATH.register, { body: { virtual_account: VA, ...BENEFICIARY } });
  const confirmed = await call('POST', SERVICE_PATH.registerConfirm, { body: { virtual_account: VA, ...BENEFICIARY } });
  return String(confirmed.body.beneficiary_virtual_account);
}

const transferBody = (beneficiaryVirtualAccount: string, amount: string) => ({
  virtual_account: VA,
  beneficiary_virtual_account: beneficiaryVirtualAccount,
  trx_no: `PAYOUT-${++trxCounter}`,
  trx_date: '2026-12-07 10:00:00',
  trx_amount: amount,
  trx_desc: 'invoice 42',
});

const balance = async () => Number((await call('GET', SERVICE_PATH.balanceInquiry)).body.balance);

describe('Function: startSimulator, the payout services through createSignedFaspayFetch', () => {
  it('runs register, confirm, transfer and the status inquiry, each signed and accepted', async () => {
    const registered = await call('POST', SERVICE_PATH.register, { body: { virtual_account: VA, ...BENEFICIARY } });
    expect(registered).toMatchObject({ httpStatus: 200, body: { status: '2', response_code: '00', beneficiary_account: '1060045760' } });
    expect(registered.body).not.toHaveProperty('beneficiary_virtual_account');

    const confirmed = await call('POST', SERVICE_PATH.registerConfirm, { body: { virtual_account: VA, ...BENEFICIARY } });
    expect(confirmed).toMatchObject({ httpStatus: 200, body: { status: '2', response_code: '00' } });
    const beneficiaryVa = String(confirmed.body.beneficiary_virtual_account);
    expect(beneficiaryVa).toMatch(/^\d{10}$/);

    const transfer = transferBody(beneficiaryVa, '250000');
    const transferred = await call('POST', SERVICE_PATH.transfer, { body: transfer });
    expect(transferred).toMatchObject({
      httpStatus: 200,
      body: { status: '2', response_code: '00', trx_no: transfer.trx_no, trx_amount: '250000.00', trx_status: '2' },
    });

    const byPath = await call('GET', SERVICE_PATH.inquiryStatus, { pathValues: [String(transferred.body.trx_id)] });
    const byQuery = await call('GET', SERVICE_PATH.inquiryStatus, { query: { trx_no: transfer.trx_no } });
    for (const status of [byPath, byQuery]) {
      expect(status).toMatchObject({ httpStatus: 200, body: { status: '2', trx_id: transferred.body.trx_id, trx_status: '2' } });
    }
    expect(events.map((event) => [event.method, servicePathOf(event.path)?.path, event.outcome])).toEqual([
      ['POST', SERVICE_PATH.register, 'service-answered'],
      ['POST', SERVICE_PATH.registerConfirm, 'service-answered'],
      ['POST', SERVICE_PATH.transfer, 'service-answered'],
      ['GET', SERVICE_PATH.inquiryStatus, 'service-answered'],
      ['GET', SERVICE_PATH.inquiryStatus, 'service-answered'],
    ]);
  });

  it('takes each transfer from the balance, lists it in mutasi, and refuses what it cannot book', async () => {
    const beneficiaryVa = await confirmedBeneficiary();
    const before = await balance();

    await call('POST', SERVICE_PATH.transfer, { body: transferBody(beneficiaryVa, '1000') });
    const second = transferBody(beneficiaryVa, '2500');
    await call('POST', SERVICE_PATH.transfer, { body: second });

    expect(await balance()).toBe(before - 3500);
    expect(simulator.balance()).toBe(before - 3500);
    const mutasi = await call('GET', SERVICE_PATH.mutasi, { pathValues: [VA] });
    expect((mutasi.body.mutasi as Record<string, string>[])[0]).toMatchObject({
      trx_no: second.trx_no,
      debit_credit: 'D',
      amount: '2500.00',
    });

    const refusals = [
      await call('POST', SERVICE_PATH.transfer, { body: second }),
      await call('POST', SERVICE_PATH.transfer, { body: transferBody(beneficiaryVa, String(DEFAULT_SIMULATED_BALANCE * 2)) }),
      await call('POST', SERVICE_PATH.transfer, { body: transferBody('9999999999', '1000') }),
      await call('POST', SERVICE_PATH.transfer, { body: transferBody(beneficiaryVa, '-5') }),
      await call('POST', SERVICE_PATH.transfer, { body: { virtual_account: VA } }),
    ];
    expect(refusals.map(({ httpStatus, body }) => [httpStatus, body.status, body.response_code])).toEqual([
      [200, '3', '94'],
      [200, '3', '51'],
      [200, '3', '14'],
      [200, '3', '13'],
      [200, '3', '12'],
    ]);
    expect(await balance()).toBe(before - 3500);
  });

  it('answers the name inquiry and refuses a confirm for a beneficiary never registered', async () => {
    const name = await call('GET', SERVICE_PATH.inquiryName, { pathValues: ['014', '1234567890'] });
    expect(name).toMatchObject({ httpStatus: 200, body: { status: '2', beneficiary_account_name: 'SIMULATED ACCOUNT 7890' } });
    const unknown = await call('POST', SERVICE_PATH.registerConfirm, {
      body: { virtual_account: VA, beneficiary_account: '5550001111', beneficiary_bank_code: '009' },
    });
    expect(unknown.body).toMatchObject({ status: '3', response_code: '14' });
  });

  it('refuses every service call with a bad signature (and books nothing)', async () => {
    const beneficiaryVa = await confirmedBeneficiary();
    const before = simulator.balance();
    const signer = createFaspaySigner(DEMO_CREDENTIALS);
    // Signed with the right token and credentials, but for the other method: what a tampered request looks like.
    const tampered: typeof fetch = async (url, init) => {
      const method = init?.method === 'GET' ? 'POST' : 'GET';
      const signedPath = servicePathOf(new URL(String(url)).pathname)?.path ?? '';
      const wrong = signer.serviceCallHeaders(method, signedPath, formatFaspayTimestamp(new Date(), 'Asia/Jakarta'), accessToken);
      const headers = { ...(init?.headers as Record<string, string>), 'faspay-signature': wrong['faspay-signature'] };
      return fetch(url, { ...init, headers });
    };
    const bad = createSignedFaspayFetch(provider, { baseUrl: simulator.url, fetch: tampered, onTokenRejected: () => undefined });
    events.length = 0;

    const calls: [HttpMethod, string, Parameters<SignedFaspayFetch>[2]][] = [
      ['POST', SERVICE_PATH.register, { body: { virtual_account: VA, ...BENEFICIARY } }],
      ['POST', SERVICE_PATH.registerConfirm, { body: { virtual_account: VA, ...BENEFICIARY } }],
      ['POST', SERVICE_PATH.transfer, { body: transferBody(beneficiaryVa, '1000') }],
      ['GET', SERVICE_PATH.inquiryStatus, { pathValues: ['SIM000000001'] }],
    ];
    for (const [method, path, init] of calls) {
      const response = await bad(method, path, init);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ status: '9', response_desc: 'Unauthorized: signed method does not match the request' });
    }
    // Each call was tried twice (the signed fetch re-reads the token once after an Unauthorized answer).
    expect(events.map((event) => event.outcome)).toEqual(Array(8).fill('rejected'));
    expect(simulator.balance()).toBe(before);
  });

  it('shows service faults as for the token endpoint; a transfer whose answer is lost was still booked', async () => {
    const beneficiaryVa = await confirmedBeneficiary();
    const before = simulator.balance();

    simulator.failNextServiceCall('http-500', 'reset-mid-body');
    const failed = await sendme('POST', SERVICE_PATH.transfer, { body: transferBody(beneficiaryVa, '700') });
    expect(failed.status).toBe(500);
    expect(simulator.balance()).toBe(before);
    await expect(sendme('POST', SERVICE_PATH.transfer, { body: transferBody(beneficiaryVa, '700') })).rejects.toMatchObject({
      code: expect.stringMatching(/^FASPAY_/),
    });
    expect(simulator.balance()).toBe(before - 700);

    simulator.setServiceFault('unauthorized');
    expect((await sendme('GET', SERVICE_PATH.balanceInquiry)).status).toBe(401);
    simulator.clearFaults();
    expect((await sendme('GET', SERVICE_PATH.balanceInquiry)).status).toBe(200);
    expect(events.filter((event) => event.outcome === 'fault').map((event) => event.fault)).toEqual([
      'http-500',
      'reset-mid-body',
      'unauthorized',
      'unauthorized',
    ]);
  });

  it('takes service faults from POST /__simulator/faults and refuses token-only ones there', async () => {
    const control = (body: unknown) => fetch(`${simulator.url}/__simulator/faults`, { method: 'POST', body: JSON.stringify(body) });
    expect((await control({ serviceNext: ['empty-token'] })).status).toBe(400);
    const accepted = await control({ serviceNext: ['http-429'] });
    expect(await accepted.json()).toMatchObject({ serviceNext: ['http-429'], serviceSticky: null });
    expect((await sendme('GET', SERVICE_PATH.balanceInquiry)).status).toBe(429);
  });

  it('answers a call with the wrong method 405, as the SDKs never send it', async () => {
    for (const path of SERVICE_PATHS) expect(['GET', 'POST']).toContain(methodOf(path));
    const response = await sendme('GET', SERVICE_PATH.transfer);
    expect(response.status).toBe(405);
  });
});
