import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import { createFaspayTokenProvider, createSignedFaspayFetch, type FaspayTokenProvider } from '../../functions/consumer/index.js';
import type { TokenStore } from '../../functions/token/index.js';
import { createTokenDocument, serializeTokenDocument, type TokenDocument } from '../../functions/token/index.js';
import {
  createVerifier,
  DEMO_CREDENTIALS,
  type RunningSimulator,
  type SimulatorRequestEvent,
  startSimulator,
} from '../../simulator/index.js';
import { freePort } from '../support/free-port.js';
import { findLeaks } from '../support/output-capture.js';
import { requestToken } from '../support/request-token.js';
import { PARAMETER, rejectionOf, tokenDocument } from './fixtures.js';

const BALANCE = '/account/api/balance_inquiry';

let simulator: RunningSimulator;
const events: SimulatorRequestEvent[] = [];
let store: TokenStore;
let reads: number;
let provider: FaspayTokenProvider;

beforeAll(async () => {
  simulator = await startSimulator({ onRequest: (event) => events.push(event) });
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(() => {
  events.length = 0;
  simulator.revokeAll();
  const memory = createMemoryTokenStore();
  reads = 0;
  store = {
    read: () => {
      reads++;
      return memory.read();
    },
    write: (value) => memory.write(value),
  };
  provider = createFaspayTokenProvider({ parameterName: PARAMETER, tokenSource: store, credentials: DEMO_CREDENTIALS });
});

/** What the refresher does: a real token request to the simulator, published to the store. */
async function publishSimulatorToken(): Promise<TokenDocument> {
  const requestedAt = new Date();
  const grant = await requestToken(simulator.url, { requestedAt, timeoutMs: 2000 });
  const document = createTokenDocument(grant, requestedAt, 7200);
  await store.write(serializeTokenDocument(document));
  return document;
}

/** A fetch that answers from a list and records what it was asked. */
function scriptedFetch(...answers: (() => Response)[]) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init: init ?? {} });
    const next = answers.shift();
    if (next === undefined) throw new Error('no scripted answer left');
    return next();
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}

const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('Function: createSignedFaspayFetch against the simulator', () => {
  it('signs a balance inquiry that the simulator accepts', async () => {
    await publishSimulatorToken();
    const sendme = createSignedFaspayFetch(provider, { baseUrl: simulator.url });

    const response = await sendme('GET', BALANCE);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: '2', response_code: '00', currency: 'IDR' });
    expect(events.map((event) => event.outcome)).toEqual(['token-issued', 'service-answered']);
  });

  it('after an Unauthorized answer, invalidates and retries exactly once with the re-read token', async () => {
    // Prepare: the provider caches token A; A is revoked and B published (a forced refresh)
    await publishSimulatorToken();
    const sendme = createSignedFaspayFetch(provider, { baseUrl: simulator.url });
    await provider.getToken();
    simulator.revokeAll();
    await publishSimulatorToken();
    events.length = 0;

    // Act
    const response = await sendme('GET', BALANCE);

    // Assess
    expect(response.status).toBe(200);
    expect(events.map((event) => [event.status, event.outcome])).toEqual([
      [401, 'rejected'],
      [200, 'service-answered'],
    ]);
    expect(reads).toBe(2);
  });

  it('hands back the second Unauthorized answer, readable, without a third attempt', async () => {
    await publishSimulatorToken();
    simulator.revokeAll();
    const sendme = createSignedFaspayFetch(provider, { baseUrl: simulator.url });
    events.length = 0;

    const response = await sendme('GET', BALANCE);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: '9', message: 'Unauthorized' });
    expect(events.filter((event) => event.path === BALANCE)).toHaveLength(2);
    expect(reads).toBe(2);
  });
});

describe('Function: createSignedFaspayFetch', () => {
  beforeEach(async () => {
    await store.write(serializeTokenDocument(tokenDocument(Date.now())));
  });

  it('treats HTTP 200 with JSON status "9" as Unauthorized', async () => {
    const { fetch, requests } = scriptedFetch(
      json(200, { status: '9', message: 'Unauthorized' }),
      json(200, { status: '2', response_code: '00' }),
    );
    const invalidate = vi.spyOn(provider, 'invalidate');

    const response = await createSignedFaspayFetch(provider, { baseUrl: 'https://sendme.example.com', fetch })('GET', BALANCE);

    expect(await response.json()).toEqual({ status: '2', response_code: '00' });
    expect(requests).toHaveLength(2);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['HTTP 500', json(500, { status: '3', response_code: '99' })],
    ['a failure status', json(200, { status: '3', response_code: '05' })],
    [
      'an HTML error page',
      () => new Response('<html>Internal Server Error</html>', { status: 500, headers: { 'Content-Type': 'text/html' } }),
    ],
  ])('does not retry %s and hands it back readable', async (_case, answer) => {
    const { fetch, requests } = scriptedFetch(answer);
    const response = await createSignedFaspayFetch(provider, { baseUrl: 'https://sendme.example.com', fetch })('GET', BALANCE);
    expect(requests).toHaveLength(1);
    expect(await response.text()).not.toBe('');
  });

  it('puts query and path values in the URL but signs the bare path; POST sends the JSON body', async () => {
    const { fetch, requests } = scriptedFetch(json(200, { status: '2' }), json(200, { status: '2' }));
    const sendme = createSignedFaspayFetch(provider, { baseUrl: new URL('https://sendme.example.com/prefix'), fetch });

    await sendme('GET', '/account/api/inquiry_status', { pathValues: ['0011 22', 'trx/1'], query: { page: '2' } });
    await sendme('POST', '/account/api/transfer', { body: { amount: '10000' } });

    const verify = createVerifier({ credentials: DEMO_CREDENTIALS, timeZone: 'Asia/Jakarta', maxSkewSeconds: 5, now: () => new Date() });
    expect(requests[0]!.url).toBe('https://sendme.example.com/prefix/account/api/inquiry_status/0011%2022/trx%2F1?page=2');
    expect(requests[0]!.init).toMatchObject({ method: 'GET', redirect: 'manual', body: undefined });
    expect(verify.verifyServiceCall(requests[0]!.init.headers as Record<string, string>, 'GET', '/account/api/inquiry_status').ok).toBe(
      true,
    );
    expect(requests[1]!.init).toMatchObject({ method: 'POST', body: '{"amount":"10000"}' });
    expect(verify.verifyServiceCall(requests[1]!.init.headers as Record<string, string>, 'POST', '/account/api/transfer').ok).toBe(true);
  });

  it('hands back a redirect without following it (the signed headers never go to another host)', async () => {
    const hits: string[] = [];
    const server = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.writeHead(302, { Location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/elsewhere` }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const response = await createSignedFaspayFetch(provider, { baseUrl: `http://127.0.0.1:${port}` })('GET', BALANCE);
      expect(response.status).toBe(302);
      expect(hits).toEqual([BALANCE]);
    } finally {
      server.close();
    }
  });

  it('rejects with FASPAY_TIMEOUT when an attempt takes longer than timeoutMs', async () => {
    const hanging = (async (_url: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch;
    const error = await rejectionOf(
      createSignedFaspayFetch(provider, { baseUrl: simulator.url, fetch: hanging, timeoutMs: 50 })('GET', BALANCE),
    );
    expect(error).toMatchObject({ code: 'FASPAY_TIMEOUT', message: 'Faspay did not answer within 50 ms' });
  });

  it('rejects with FASPAY_NETWORK, without the request, when nothing listens', async () => {
    const port = await freePort();
    const error = await rejectionOf(createSignedFaspayFetch(provider, { baseUrl: `http://127.0.0.1:${port}` })('GET', BALANCE));
    const token = (await provider.getToken()).accessToken;
    expect(error).toMatchObject({ code: 'FASPAY_NETWORK', message: 'the request to Faspay failed (ECONNREFUSED)' });
    expect(findLeaks(`${error.message} ${JSON.stringify(error)}`, [...Object.values(DEMO_CREDENTIALS), token])).toEqual([]);
  });

  it.each([
    [{ baseUrl: 'http://sendme.example.com' }, /baseUrl must use https/],
    [{ baseUrl: 'https://sendme.example.com', timeoutMs: 0 }, /timeoutMs must be a whole number of milliseconds from 1 to 300000, got 0/],
  ])('refuses options %o', (options, message) => {
    expect(() => createSignedFaspayFetch(provider, options)).toThrow(message);
  });

  it('refuses a GET with a body before signing anything', async () => {
    const { fetch, requests } = scriptedFetch();
    const error = await rejectionOf(
      createSignedFaspayFetch(provider, { baseUrl: simulator.url, fetch })('GET', BALANCE, { body: { a: 1 } }),
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(requests).toHaveLength(0);
    expect(reads).toBe(0);
  });
});
