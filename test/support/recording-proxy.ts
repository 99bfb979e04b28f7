import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AWS JSON-protocol request as the SDK sent it: the signing service, the operation and its input. */
export interface RecordedCall {
  /** The name this proxy was started for (the role whose credentials a deployed function would use). */
  readonly caller: string;
  /** The signing name from the SigV4 credential scope (`ssm`, `secretsmanager`, `events`, ...). */
  readonly service: string;
  /** The operation from `X-Amz-Target` (`GetParameter`, `PutEvents`, ...). */
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`: an SDK client's endpoint (or AWS_ENDPOINT_URL). */
  readonly endpoint: string;
  close(): Promise<void>;
}

const SKIPPED_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'expect']);

/**
 * An HTTP proxy in front of moto that records each request before forwarding it unchanged: what the
 * code really sends on the wire, including calls an adapter makes that its caller never sees. One
 * proxy per caller, so each call is known to come from that caller's clients.
 */
export async function startRecordingProxy(caller: string, upstream: string, calls: RecordedCall[]): Promise<RecordingProxy> {
  const server: Server = createServer((request, response) => {
    void forward(request, upstream, caller, calls).then(
      (answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      },
      (error: unknown) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`recording proxy: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

async function forward(
  request: IncomingMessage,
  upstream: string,
  caller: string,
  calls: RecordedCall[],
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  calls.push(recordOf(caller, request, body));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!SKIPPED_HEADERS.has(name) && typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(new URL(request.url ?? '/', upstream), {
    method: request.method ?? 'POST',
    headers,
    ...(body.length === 0 ? {} : { body }),
  });
  const answerHeaders: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!SKIPPED_HEADERS.has(name) && name !== 'content-encoding') answerHeaders[name] = value;
  });
  return { status: answer.status, headers: answerHeaders, body: Buffer.from(await answer.arrayBuffer()) };
}

/** Only the JSON protocol (SSM, Secrets Manager, EventBridge, KMS): anything else is recorded as unknown and fails the evaluation. */
function recordOf(caller: string, request: IncomingMessage, body: Buffer): RecordedCall {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(request.headers.authorization ?? ''));
  const target = String(request.headers['x-amz-target'] ?? '');
  let input: Record<string, unknown> = {};
  try {
    input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  } catch {
    input = { unparsedBody: true };
  }
  return { caller, service: scope?.[1] ?? 'unknown', operation: target.split('.').pop() ?? 'unknown', input };
}
