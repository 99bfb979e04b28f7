import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_FASPAY_TIME_ZONE, TOKEN_PATH, type FaspayCredentials } from '../functions/faspay/index.js';
import { DEMO_CREDENTIALS } from './demo-credentials.js';
import { isFault, type Fault } from './faults.js';
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
  issuedTokens(): number;
  tokenRequests(): number;
  /** Forgets issued tokens (as if the server restarted or revoked them). */
  revokeAll(): void;
  close(): Promise<void>;
}

export const SERVICE_PATHS = [
  '/account/api/register',
  '/account/api/register/confirm',
  '/account/api/transfer',
  '/account/api/balance_inquiry',
  '/account/api/inquiry_name',
  '/account/api/mutasi',
  '/account/api/inquiry_status',
] as const;

/**
 * A Faspay SendMe stand-in on loopback: issues tokens after verifying the request exactly as the
 * protocol reference describes, answers the read-only balance inquiry for service calls signed with
 * a token it issued, and shows injected faults on demand. Also offers `POST /__simulator/faults`
 * (`{"next": [...]}` or `{"sticky": "fault" | null}`) for people driving it from outside.
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
  const issued = new Map<string, number>();
  const queue: Fault[] = [];
  let sticky: Fault | undefined;
  let tokenRequests = 0;
  const notify = options.onRequest ?? (() => undefined);

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, { status: '3', response_code: '99', response_desc: 'simulator error', message: 'Error' });
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
      const parsed = applyFaultControl(body);
      send(response, parsed.ok ? 200 : 400, parsed.ok ? { next: [...queue], sticky: sticky ?? null } : { error: parsed.problem });
      return;
    }
    if (method === 'GET' && url.pathname === TOKEN_PATH) {
      tokenRequests++;
      const fault = queue.shift() ?? sticky;
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
      send(response, 200, successBody(issueToken(), String(lifetimeSeconds)));
      event(200, 'token-issued');
      return;
    }
    if ((SERVICE_PATHS as readonly string[]).includes(url.pathname)) {
      const verdict = verifier.verifyServiceCall(request.headers, method, url.pathname);
      const expiresAt = verdict.ok ? issued.get(verdict.fields.accessToken) : undefined;
      const problem = !verdict.ok
        ? verdict.problem
        : expiresAt === undefined
          ? 'access token was not issued by this server'
          : expiresAt <= now().getTime()
            ? 'access token has expired'
            : undefined;
      if (problem !== undefined) {
        sendUnauthorized(response, problem);
        event(401, 'rejected', { problem });
        return;
      }
      if (url.pathname !== '/account/api/balance_inquiry') {
        send(response, 501, { status: '3', response_code: '98', response_desc: 'not simulated', message: 'Not Implemented' });
        event(501, 'rejected', { problem: 'service not simulated' });
        return;
      }
      send(response, 200, { status: '2', response_code: '00', response_desc: 'success', message: 'Success', balance: '100000000.00', currency: 'IDR' });
      event(200, 'service-answered');
      return;
    }
    send(response, 404, { status: '3', response_code: '404', response_desc: 'not found', message: 'Not Found' });
    event(404, 'not-found');
  }

  function issueToken(): string {
    // About 684 characters of opaque standard base64, like the real tokens.
    const token = options.tokenFactory?.() ?? randomBytes(512).toString('base64');
    issued.set(token, now().getTime() + lifetimeSeconds * 1000);
    return token;
  }

  async function showFault(fault: Fault, response: ServerResponse): Promise<void> {
    const good = () => successBody(issueToken(), String(lifetimeSeconds));
    switch (fault) {
      case 'http-500':
        return send(response, 500, { status: '3', response_code: '99', response_desc: 'internal error', message: 'Error' });
      case 'html-500':
        response.writeHead(500, { 'Content-Type': 'text/html' });
        response.end('<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>');
        return;
      case 'http-429':
        return send(response, 429, { message: 'Too Many Requests' });
      case 'unauthorized':
        return sendUnauthorized(response, 'injected');
      case 'rejected':
        return send(response, 200, { status: '3', response_code: '05', response_desc: 'merchant not active', message: 'Failed' });
      case 'internal-error':
        return send(response, 200, { status: '3', response_code: '99', response_desc: 'internal error', message: 'Failed' });
      case 'malformed-json':
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end('{"access_token":"abc","expired_in":"360');
        return;
      case 'empty-token':
        return send(response, 200, successBody('', String(lifetimeSeconds)));
      case 'expired-in-missing': {
        const { expired_in: _dropped, ...rest } = good();
        return send(response, 200, rest);
      }
      case 'expired-in-non-numeric':
        return send(response, 200, { ...good(), expired_in: 'ten hours' });
      case 'expired-in-zero':
        return send(response, 200, { ...good(), expired_in: '0' });
      case 'expired-in-negative':
        return send(response, 200, { ...good(), expired_in: '-36000' });
      case 'expired-in-huge':
        return send(response, 200, { ...good(), expired_in: String(10 * 365 * 86400) });
      case 'oversized-body':
        return send(response, 200, { ...good(), padding: 'x'.repeat(1024 * 1024) });
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 15_000));
        if (!response.destroyed) send(response, 200, good());
        return;
      case 'reset-mid-body': {
        const body = JSON.stringify(good());
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
        response.write(body.slice(0, body.length / 2));
        await new Promise((resolve) => setTimeout(resolve, 20));
        response.destroy();
        return;
      }
    }
  }

  function applyFaultControl(text: string): { ok: true } | { ok: false; problem: string } {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, problem: 'body must be JSON' };
    }
    if (typeof value !== 'object' || value === null) return { ok: false, problem: 'body must be an object' };
    const { next, sticky: stickyFault } = value as { next?: unknown; sticky?: unknown };
    if (next !== undefined && !(Array.isArray(next) && next.every(isFault))) return { ok: false, problem: 'next must be a list of fault names' };
    if (stickyFault !== undefined && stickyFault !== null && !isFault(stickyFault)) return { ok: false, problem: 'sticky must be a fault name or null' };
    if (next !== undefined) queue.push(...next);
    if (stickyFault !== undefined) sticky = stickyFault ?? undefined;
    return { ok: true };
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
    failNext: (...faults) => void queue.push(...faults),
    setFault: (fault) => {
      sticky = fault;
    },
    clearFaults: () => {
      queue.length = 0;
      sticky = undefined;
    },
    issuedTokens: () => issued.size,
    tokenRequests: () => tokenRequests,
    revokeAll: () => issued.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function successBody(accessToken: string, expiredIn: string): Record<string, string> {
  return { access_token: accessToken, expired_in: expiredIn, status: '2', message: 'Success', response_code: '00', response_desc: 'success' };
}

function sendUnauthorized(response: ServerResponse, problem: string): void {
  send(response, 401, { status: '9', response_code: '01', response_desc: `Unauthorized: ${problem}`, message: 'Unauthorized' });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  response.end(text);
}

async function readSmallBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 10_000) break;
  }
  return text;
}
