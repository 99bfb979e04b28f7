import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConfigError } from '../shared/config-error.js';

/*
 * Signed calls to AWS JSON-protocol APIs without their SDK clients, for the consumer's two rare
 * calls (EventBridge PutEvents on a refused token, Secrets Manager GetSecretValue once per
 * container). Bundled whole into a payout Lambda (bundleAwsSDK, or the user's own esbuild), each of
 * those clients weighs 27–46 KiB of endpoint rules and serializers (bench/RESULTS.md) for one call.
 * A call here borrows what an SDK client the consumer already holds carries (its credentials,
 * region, FIPS and dual-stack settings and endpoint rules) and signs with the SDK's own SigV4
 * signer, so IAM sees exactly the request the SDK client would send.
 */

/** What a call borrows from an AWS SDK v3 client's resolved configuration (`client.config`). */
export interface BorrowedAwsConfig {
  readonly credentials: () => Promise<{ readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }>;
  readonly region: () => Promise<string>;
  readonly useFipsEndpoint: () => Promise<boolean>;
  readonly useDualstackEndpoint: () => Promise<boolean>;
  readonly endpointProvider: (params: { Region?: string; UseFIPS?: boolean; UseDualStack?: boolean; Endpoint?: string }) => {
    readonly url: URL;
  };
  /** Set when the client was given an `endpoint`. */
  readonly endpoint?: () => Promise<{
    readonly protocol: string;
    readonly hostname: string;
    readonly port?: number;
    readonly path: string;
  }>;
}

/** An SDK client's configuration and its service's signing name (`ssm`, `secretsmanager`). */
export interface BorrowedClient {
  readonly signingName: string;
  readonly config: BorrowedAwsConfig;
}

export const borrowSsm = (client: SSMClient): BorrowedClient => ({ signingName: 'ssm', config: client.config });
export const borrowSecretsManager = (client: SecretsManagerClient): BorrowedClient => ({
  signingName: 'secretsmanager',
  config: client.config,
});

export interface AwsJsonService {
  /** SigV4 signing name, also the first label of its endpoint host. */
  readonly signingName: string;
  /** Prefix of `X-Amz-Target`. */
  readonly targetPrefix: string;
  /** The service's part of `AWS_ENDPOINT_URL_<…>`, as the SDK reads it. */
  readonly endpointEnv: string;
}

export const EVENTBRIDGE: AwsJsonService = { signingName: 'events', targetPrefix: 'AWSEvents', endpointEnv: 'EVENTBRIDGE' };
export const SECRETS_MANAGER: AwsJsonService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  endpointEnv: 'SECRETS_MANAGER',
};

/** One operation of the service: resolves to the parsed answer, rejects with `AwsCallError` or the signal's reason. */
export type AwsJsonCall = (operation: string, input: object, signal?: AbortSignal) => Promise<unknown>;

/**
 * An AWS error answer, shaped as the SDK's own errors are (`name`, `$metadata.httpStatusCode`,
 * `$fault`), so the adapters read both alike. Never carries the answer's message, which may echo
 * request parameters.
 */
export class AwsCallError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number };
  readonly $fault: 'client' | 'server' | undefined;

  constructor(name: string, httpStatus: number | undefined) {
    super(`${name}${httpStatus === undefined ? '' : ` (HTTP ${httpStatus})`}`);
    this.name = name;
    this.$metadata = httpStatus === undefined ? {} : { httpStatusCode: httpStatus };
    this.$fault = httpStatus === undefined ? undefined : httpStatus >= 500 ? 'server' : 'client';
  }
}

export interface AwsJsonCallOptions {
  /** Overrides every other endpoint source (tests, a proxy). */
  readonly endpoint?: string;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function createAwsJsonCall(service: AwsJsonService, borrowed: BorrowedClient, options: AwsJsonCallOptions = {}): AwsJsonCall {
  const env = options.env ?? process.env;
  const signer = new SignatureV4({
    service: service.signingName,
    region: borrowed.config.region,
    credentials: borrowed.config.credentials,
    sha256: NodeSha256,
  });
  let endpoint: Promise<URL> | undefined;
  return async (operation, input, signal) => {
    endpoint ??= endpointOf(service, borrowed, options.endpoint, env).catch((error: unknown) => {
      endpoint = undefined;
      throw error;
    });
    const url = await endpoint;
    const body = JSON.stringify(input);
    const headers: Record<string, string> = {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${service.targetPrefix}.${operation}`,
    };
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: {},
      headers,
      body,
    });
    const { host: _host, ...sent } = signed.headers;
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: sent, body, ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      // Named by Node's network code (ECONNREFUSED, ...), as awsErrorName names an SDK client's.
      throw new AwsCallError(typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'NetworkError', undefined);
    }
    const text = await response.text();
    if (!response.ok) throw new AwsCallError(errorTypeOf(response, text), response.status);
    try {
      return text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      throw new AwsCallError('UnknownError', response.status);
    }
  };
}

/** `__type` of a JSON error answer (`prefix#Name`), or the `x-amzn-errortype` header; else `UnknownError` (an HTML page, say). */
function errorTypeOf(response: Response, text: string): string {
  let type: unknown = response.headers.get('x-amzn-errortype');
  try {
    type = (JSON.parse(text) as { __type?: unknown }).__type ?? type;
  } catch {
    // Not JSON: the header, if any, is all there is.
  }
  const name = typeof type === 'string' ? type.split('#').pop()?.split(':')[0] : undefined;
  return name !== undefined && /^[A-Za-z.]{1,80}$/.test(name) ? name : 'UnknownError';
}

/**
 * Where the SDK would send the call: the client's own `endpoint` when it is a client of the same
 * service, else `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`, else the client's endpoint rules
 * with the service's host label in place of the client's (`ssm.ap-southeast-3.amazonaws.com` →
 * `events.ap-southeast-3.amazonaws.com`; `-fips` kept): every partition names these services so.
 */
async function endpointOf(service: AwsJsonService, borrowed: BorrowedClient, given: string | undefined, env: AwsJsonCallOptions['env']) {
  if (given !== undefined) return new URL(given);
  const { config } = borrowed;
  const sameService = borrowed.signingName === service.signingName;
  const custom = sameService ? await config.endpoint?.() : undefined;
  if (custom === undefined && env?.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') {
    const configured = env?.[`AWS_ENDPOINT_URL_${service.endpointEnv}`] ?? env?.AWS_ENDPOINT_URL;
    if (configured !== undefined && configured !== '') return new URL(configured);
  }
  const [Region, UseFIPS, UseDualStack] = await Promise.all([config.region(), config.useFipsEndpoint(), config.useDualstackEndpoint()]);
  const Endpoint =
    custom === undefined ? undefined : `${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ''}${custom.path}`;
  const { url } = config.endpointProvider({ Region, UseFIPS, UseDualStack, ...(Endpoint === undefined ? {} : { Endpoint }) });
  if (sameService) return url;
  const [label = '', ...rest] = url.hostname.split('.');
  if (label !== borrowed.signingName && label !== `${borrowed.signingName}-fips`) {
    throw new ConfigError(
      `cannot tell the ${service.signingName} endpoint from ${url.hostname}: set AWS_ENDPOINT_URL_${service.endpointEnv}`,
    );
  }
  return new URL(`${url.protocol}//${[label.replace(borrowed.signingName, service.signingName), ...rest].join('.')}${url.pathname}`);
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 (or HMAC-SHA-256 with a key) from Node's crypto, in the shape SignatureV4 takes. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
