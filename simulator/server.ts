import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_FASPAY_TIME_ZONE, type FaspayCredentials, TOKEN_PATH } from '../functions/faspay/index.js';
import { faultAnswer, successAnswer, type TokenEndpointAnswer, unauthorizedBody } from './answers.js';
import { DEMO_CREDENTIALS } from './demo-credentials.js';
import { createFaultControl } from './fault-control.js';
import type { Fault } from './faults.js';
import { createPayoutBook, methodOf, SERVICE_PATHS, type ServiceAnswer, servicePathOf } from './payouts.js';
import { type ServiceFault, serviceFaultAnswer } from './service-faults.js';
import { createTokenLedger } from './token-ledger.js';
import { createVerifier } from './verifier.js';

export interface SimulatorOptions {
  /** Loopback port. @default 0 (a free port) */
  readonly port?: number;
  /** @default DEMO_CREDENTIALS */
  readonly credentials?: FaspayCredentials;
  /** `expired_in` of issued tokens. @default 36000 (10 hours, as Faspay documents) */
  readonly tokenLifetimeSeconds?: number;
  /** @default 'Asia/Jakarta' */
  readonly timeZone?: string;
  /** @default 300 */
  readonly maxSkewSeconds?: number;
  /** Signed paths accepted on token requests. @default the token path and the SendMe service paths */
  readonly acceptedSignedPaths?: readonly string[];
  /** Delay of the `slow` fault. @default 15000 */
  readonly slowMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Makes the access tokens it issues (tests that must know every token). @default 512 random bytes, base64 */
  readonly tokenFactory?: () => string;
  /** Told about every request (route, status, problem); never given header values. */
  readonly onRequest?: (event: SimulatorRequestEvent) => void;
  /**
   * A new token revokes every earlier one (Faspay does not document whether it does): an outside
   * reissue, such as a legacy system requesting its own token, then breaks the stored one. @default false
   */
  readonly revokeOnIssue?: boolean;
  /** The payout services' starting balance, in rupiah; each transfer takes from it. @default 100000000 */
  readonly initialBalance?: number;
}

export interface SimulatorRequestEvent {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly outcome: 'token-issued' | 'service-answered' | 'rejected' | 'fault' | 'not-found';
  readonly problem?: string;
  readonly fault?: Fault;
}

export interface RunningSimulator {
  readonly url: string;
  readonly port: number;
  readonly credentials: FaspayCredentials;
  /** Faults for the next token requests, one each, in order. */
  failNext(...faults: Fault[]): void;
  /** A fault for every token request until cleared with `undefined`. */
  setFault(fault: Fault | undefined): void;
  /** Drops the queued and the sticky fault. */
  clearFaults(): void;
  /** Tokens issued and not revoked. */
  issuedTokens(): number;
  tokenRequests(): number;
  /** Forgets issued tokens (as if the server restarted or revoked them). */
  revokeAll(): void;
  /** Switches "revoke on issue" (see SimulatorOptions.revokeOnIssue). */
  setRevokeOnIssue(on: boolean): void;
  /** Faults for the next service calls (register, transfer, the inquiries), one each, in order. */
  failNextServiceCall(...faults: ServiceFault[]): void;
  /** A fault for every service call until cleared with `undefined`. */
  setServiceFault(fault: ServiceFault | undefined): void;
  /** The payout services' balance left, in rupiah. */
  balance(): number;
  close(): Promise<void>;
}

/**
 * A Faspay SendMe stand-in on loopback: issues tokens after verifying the request exactly as the
 * protocol reference describes, answers the SendMe payout services (payouts.ts) for service calls
 * signed with a token it issued, and shows injected faults on demand. Also offers `POST /__simulator/faults`
 * (`{"next": [...]}` or `{"sticky": "fault" | null}` for token requests, `serviceNext` and
 * `serviceSticky` for service calls) for people driving it from outside.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const credentials = options.credentials ?? DEMO_CREDENTIALS;
  const now = options.now ?? (() => new Date());
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 36000;
  const verifier = createVerifier({
    credentials,
    timeZone: options.timeZone ?? DEFAULT_FASPAY_TIME_ZONE,
    maxSkewSeconds: options.maxSkewSeconds ?? 300,
    now,
  });
  const acceptedPaths = new Set(options.acceptedSignedPaths ?? [TOKEN_PATH, ...SERVICE_PATHS]);
  const ledger = createTokenLedger({ now: () => now().getTime(), revokeOnIssue: options.revokeOnIssue ?? false });
  const book = createPayoutBook({ now, ...(options.initialBalance === undefined ? {} : { initialBalance: options.initialBalance }) });
  const faults = createFaultControl();
  let tokenRequests = 0;
  const notify = options.onRequest ?? (() => undefined);

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent)
        send(response, 500, { status: '3', response_code: '99', response_desc: 'simulator error', message: 'Error' });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator.local');
    const method = request.method ?? 'GET';
    const event = (status: number, outcome: SimulatorRequestEvent['outcome'], extra: Partial<SimulatorRequestEvent> = {}) =>
      notify({ method, path: url.pathname, status, outcome, ...extra });

    if (method === 'POST' && url.pathname === '/__simulator/faults') {
      const body = await readSmallBody(request);
      const parsed = faults.apply(body);
      const { next, sticky } = faults.tokens.snapshot();
      const { next: serviceNext, sticky: serviceSticky } = faults.services.snapshot();
      send(response, parsed.ok ? 200 : 400, parsed.ok ? { next, sticky, serviceNext, serviceSticky } : { error: parsed.problem });
      return;
    }
    if (method === 'GET' && url.pathname === TOKEN_PATH) {
      tokenRequests++;
      const fault = faults.tokens.take();
      if (fault !== undefined) {
        await showFault(fault, response);
        event(response.statusCode, 'fault', { fault });
        return;
      }
      const verdict = verifier.verifyTokenRequest(request.headers, acceptedPaths);
      if (!verdict.ok) {
        sendUnauthorized(response, verdict.problem);
        event(401, 'rejected', { problem: verdict.problem });
        return;
      }
      await deliver(successAnswer(issueToken, lifetimeSeconds), response);
      event(200, 'token-issued');
      return;
    }
    const service = servicePathOf(url.pathname);
    if (service !== undefined) {
      const fault = faults.services.take();
      const verdict = verifier.verifyServiceCall(request.headers, method, service.path);
      const problem = verdict.ok ? ledger.problemWith(verdict.fields.accessToken) : verdict.problem;
      const body = method === 'POST' ? parseJson(await readSmallBody(request)) : undefined;
      // Only a call SendMe accepts is processed; a fault that breaks the answer comes after that.
      const process = (): ServiceAnswer => {
        if (problem !== undefined) return { status: 401, body: unauthorizedBody(problem) };
        const expected = methodOf(service.path);
        if (method !== expected)
          return {
            status: 405,
            body: { status: '3', response_code: '405', response_desc: `use ${expected}`, message: 'Method Not Allowed' },
          };
        return book.answer({ ...service, query: url.searchParams, body });
      };
      if (fault !== undefined) {
        await deliver(serviceFaultAnswer(fault, process), response);
        event(response.statusCode, 'fault', { fault });
        return;
      }
      const answer = process();
      send(response, answer.status, answer.body);
      if (problem === undefined) event(answer.status, 'service-answered');
      else event(401, 'rejected', { problem });
      return;
    }
    send(response, 404, { status: '3', response_code: '404', response_desc: 'not found', message: 'Not Found' });
    event(404, 'not-found');
  }

  function issueToken(): string {
    // About 684 characters of opaque standard base64, like the real tokens.
    const token = options.tokenFactory?.() ?? randomBytes(512).toString('base64');
    ledger.issue(token, lifetimeSeconds);
    return token;
  }

  function showFault(fault: Fault, response: ServerResponse): Promise<void> {
    return deliver(faultAnswer(fault, issueToken, lifetimeSeconds), response);
  }

  async function deliver(answer: TokenEndpointAnswer, response: ServerResponse): Promise<void> {
    switch (answer.delivery) {
      case 'whole':
        return sendText(response, answer.status, answer.contentType, answer.body);
      case 'after-delay':
        await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 15_000));
        if (!response.destroyed) sendText(response, answer.status, answer.contentType, answer.body);
        return;
      case 'half-then-reset':
        response.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': String(answer.body.length) });
        response.write(answer.body.slice(0, answer.body.length / 2));
        await new Promise((resolve) => setTimeout(resolve, 20));
        response.destroy();
        return;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    credentials,
    failNext: (...next) => faults.tokens.push(...next),
    setFault: (fault) => faults.tokens.setSticky(fault),
    clearFaults: () => {
      faults.tokens.clear();
      faults.services.clear();
    },
    failNextServiceCall: (...next) => faults.services.push(...next),
    setServiceFault: (fault) => faults.services.setSticky(fault),
    balance: () => book.balance(),
    issuedTokens: () => ledger.size(),
    tokenRequests: () => tokenRequests,
    revokeAll: () => ledger.revokeAll(),
    setRevokeOnIssue: (on) => ledger.setRevokeOnIssue(on),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendUnauthorized(response: ServerResponse, problem: string): void {
  send(response, 401, unauthorizedBody(problem));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  sendText(response, status, 'application/json', JSON.stringify(body));
}

function sendText(response: ServerResponse, status: number, contentType: string, text: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)) });
  response.end(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readSmallBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 10_000) break;
  }
  return text;
}
