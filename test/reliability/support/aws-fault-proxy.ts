import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The AWS JSON operations the refresher calls, as named by their X-Amz-Target header. Calls on the
 * refresh lease (a parameter whose name ends in `.lease`, or one of its versions, `.lease:N`) are one operation of their own, so that a
 * fault aimed at the token parameter hits the token parameter.
 */
export type AwsOperation = 'SSM.GetParameter' | 'SSM.PutParameter' | 'SSM.Lease' | 'SecretsManager.GetSecretValue';

const TARGETS: Readonly<Record<string, AwsOperation>> = {
  'AmazonSSM.GetParameter': 'SSM.GetParameter',
  'AmazonSSM.PutParameter': 'SSM.PutParameter',
  'AmazonSSM.DeleteParameter': 'SSM.Lease',
  'secretsmanager.GetSecretValue': 'SecretsManager.GetSecretValue',
};

function operationOf(target: string, body: Buffer): AwsOperation | undefined {
  const operation = TARGETS[target];
  if (operation === undefined || !operation.startsWith('SSM.')) return operation;
  try {
    const name = (JSON.parse(body.toString('utf8')) as { Name?: unknown }).Name;
    return typeof name === 'string' && /\.lease(:\d+)?$/.test(name) ? 'SSM.Lease' : operation;
  } catch {
    return operation;
  }
}

/** An AWS error answer: the HTTP status and the `__type` the SDK turns into the error's name. */
export interface AwsFault {
  readonly status: number;
  readonly type: string;
}

export const AWS_FAULTS = {
  throttled: { status: 400, type: 'ThrottlingException' },
  accessDenied: { status: 400, type: 'AccessDeniedException' },
  internalError: { status: 500, type: 'InternalServerError' },
  versionLimit: { status: 400, type: 'ParameterMaxVersionLimitExceeded' },
} as const satisfies Record<string, AwsFault>;

export interface AwsFaultProxy {
  /** Point AWS_ENDPOINT_URL here; everything not faulted is forwarded to the upstream (moto). */
  readonly url: string;
  /** Answers `times` calls of `operation` with `fault` (Infinity: until cleared). */
  inject(operation: AwsOperation, fault: AwsFault, times?: number): void;
  clear(): void;
  /** HTTP requests seen per operation, faulted or forwarded (the SDK's own retries included). */
  calls(operation: AwsOperation): number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of moto that answers chosen AWS operations with an AWS error, so
 * throttling and denial reach the real SDK over real HTTP: its error parsing and its own retry
 * strategy run exactly as in Lambda.
 */
export async function startAwsFaultProxy(upstream: string): Promise<AwsFaultProxy> {
  const armed = new Map<AwsOperation, { fault: AwsFault; remaining: number }>();
  const counts = new Map<AwsOperation, number>();

  const server = createServer((request, response) => {
    void relay(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });

  async function relay(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readAll(request);
    const operation = operationOf(String(request.headers['x-amz-target'] ?? ''), body);
    if (operation !== undefined) {
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      const rule = armed.get(operation);
      if (rule !== undefined && rule.remaining > 0) {
        rule.remaining--;
        const text = JSON.stringify({ __type: rule.fault.type, message: `injected ${rule.fault.type}` });
        response.writeHead(rule.fault.status, {
          'Content-Type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': rule.fault.type,
          'x-amzn-requestid': 'fault-proxy',
        });
        response.end(text);
        return;
      }
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'connection' && name !== 'content-length') headers.set(name, value);
    }
    const answer = await fetch(new URL(request.url ?? '/', upstream), {
      method: request.method ?? 'POST',
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    response.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(bytes);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    inject: (operation, fault, times = Number.POSITIVE_INFINITY) => void armed.set(operation, { fault, remaining: times }),
    clear: () => armed.clear(),
    calls: (operation) => counts.get(operation) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
