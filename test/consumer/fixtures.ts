import { GetParameterCommand, type GetParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import 'aws-sdk-client-mock-vitest/extend';
import { mockClient } from 'aws-sdk-client-mock';
import { serializeTokenDocument, type TokenDocument } from '../../functions/token/index.js';
import { createVerifier, DEMO_CREDENTIALS } from '../../simulator/index.js';

export const PARAMETER = '/faspay/sendme/access-token';
export const HOUR_MS = 3_600_000;

/** A settable clock: every component under test reads time only through it. */
export function fakeClock(start = Date.parse('2026-11-25T00:00:00Z')) {
  let nowMs = start;
  return {
    now: () => new Date(nowMs),
    nowMs: () => nowMs,
    set: (ms: number) => {
      nowMs = ms;
    },
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

let serial = 0;

/** A document like the refresher's: 10 h life, refreshAt 2 h before expiry; a distinct 684-character token each time. */
export function tokenDocument(issuedAtMs: number, options: { lifetimeMs?: number; refreshBeforeMs?: number } = {}): TokenDocument {
  const lifetimeMs = options.lifetimeMs ?? 10 * HOUR_MS;
  const expiresAtMs = issuedAtMs + lifetimeMs;
  serial++;
  const accessToken = Buffer.from(`token-${serial}-`.padEnd(513, String.fromCharCode(65 + (serial % 26)))).toString('base64');
  return {
    accessToken,
    issuedAt: new Date(issuedAtMs),
    expiresAt: new Date(expiresAtMs),
    refreshAt: new Date(expiresAtMs - (options.refreshBeforeMs ?? 2 * HOUR_MS)),
  };
}

export function parameterAnswer(document: TokenDocument | string, version = 1): GetParameterCommandOutput {
  const value = typeof document === 'string' ? document : serializeTokenDocument(document);
  return { $metadata: {}, Parameter: { Name: PARAMETER, Type: 'SecureString', Value: value, Version: version } };
}

/** An SSM client whose GetParameter answers with whatever `stored` holds at the time of the call. */
export function mockedSsm() {
  const client = new SSMClient({ region: 'ap-southeast-3' });
  const mock = mockClient(client);
  return { client, mock, reads: () => mock.commandCalls(GetParameterCommand).length };
}

/** An error shaped like the SDK's (its name is what the adapters look at). */
export function awsError(name: string): Error {
  const error = new Error(`${name} (simulated)`);
  error.name = name;
  return error;
}

/** A promise with its resolve exposed, to hold a read in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * SendMe as far as the token goes: 200 for a call signed with a token in `accepted` (the simulator's
 * verifier reads the token out of the signature), 401 with `"status": "9"` otherwise.
 */
export function sendmeAccepting(accepted: ReadonlySet<string>, now: () => Date): typeof fetch {
  return (url, init) => {
    const verifier = createVerifier({ credentials: DEMO_CREDENTIALS, timeZone: 'Asia/Jakarta', maxSkewSeconds: 300, now });
    const verdict = verifier.verifyServiceCall(
      init?.headers as Record<string, string>,
      init?.method ?? 'GET',
      new URL(String(url)).pathname,
    );
    const ok = verdict.ok && accepted.has(verdict.fields.accessToken);
    const body = ok ? { status: '2', response_code: '00' } : { status: '9', message: 'Unauthorized' };
    return Promise.resolve(new Response(JSON.stringify(body), { status: ok ? 200 : 401, headers: { 'Content-Type': 'application/json' } }));
  };
}

export { rejectionOf } from '../support/refresher-harness.js';
