import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted endpoint answers to one request: a status and body, or no answer at all. */
export type ScriptedAnswer =
  | { readonly status: number; readonly body: string; readonly headers?: Record<string, string> }
  | { readonly hang: true };

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface ScriptedAws {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Answers the next requests in order; the last one is repeated. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): ScriptedAnswer => ({
  status,
  body: JSON.stringify(value),
  headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
});

/** An AWS JSON-protocol endpoint on loopback that answers from a script and keeps what it received. */
export async function startScriptedAws(): Promise<ScriptedAws> {
  const received: ReceivedRequest[] = [];
  let answers: ScriptedAnswer[] = [json(200, {})];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      if ('hang' in answer) return;
      response.writeHead(answer.status, answer.headers ?? { 'content-type': 'text/html' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    script: (...next) => {
      answers = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Checks a received request's SigV4 signature as AWS would, written from AWS's published algorithm
 * (canonical request, string to sign, derived key), independently of the signer under test.
 * Resolves to the credential scope's service and region when the signature verifies.
 */
export function verifySigV4(request: ReceivedRequest, secretAccessKey: string): { service: string; region: string } {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (match === null) throw new Error(`not a SigV4 Authorization header: ${authorization.slice(0, 40)}…`);
  const [, date, region, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string];
  const amzDate = String(request.headers['x-amz-date']);
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(request.headers[name] ?? '').trim()}\n`)
    .join('');
  const canonicalRequest = [request.method, request.path, '', canonicalHeaders, signedHeaders, sha256(request.body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  if (hmac(key, stringToSign).toString('hex') !== signature) throw new Error('the SigV4 signature does not verify');
  return { service, region };
}
