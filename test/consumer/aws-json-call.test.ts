import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AwsCallError, createAwsJsonCall, EVENTBRIDGE, SECRETS_MANAGER } from '../../functions/adapters/aws-json-call.js';
import { freePort } from '../support/free-port.js';
import { json, type ScriptedAws, startScriptedAws, verifySigV4 } from '../support/scripted-aws.js';
import { rejectionOf } from './fixtures.js';

const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ssmConfig = (extra: ConstructorParameters<typeof SSMClient>[0] = {}) =>
  new SSMClient({
    region: 'ap-southeast-3',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET_KEY, sessionToken: 'session-token' },
    ...extra,
  }).config;
const throughSsm = (config = ssmConfig()) => ({ signingName: 'ssm', config });

let aws: ScriptedAws;
beforeAll(async () => {
  aws = await startScriptedAws();
});
afterAll(() => aws.close());
afterEach(() => vi.restoreAllMocks());

describe('Function: createAwsJsonCall, the request', () => {
  it('sends the operation as AWS JSON 1.1, signed for the service and the SSM client region, and the signature verifies', async () => {
    aws.script(json(200, { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }));
    const call = createAwsJsonCall(EVENTBRIDGE, throughSsm(), { endpoint: aws.url });

    const answer = await call('PutEvents', { Entries: [{ Source: 'a', DetailType: 'b', Detail: '{}' }] });

    expect(answer).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const request = aws.received.at(-1)!;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/',
      headers: {
        'x-amz-target': 'AWSEvents.PutEvents',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-security-token': 'session-token',
      },
    });
    expect(JSON.parse(request.body)).toEqual({ Entries: [{ Source: 'a', DetailType: 'b', Detail: '{}' }] });
    expect(verifySigV4(request, SECRET_KEY)).toEqual({ service: 'events', region: 'ap-southeast-3' });
    expect(String(request.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token[^,]*x-amz-target/);
  });

  it('fails the independent verification when the secret differs (the check can fail)', async () => {
    await createAwsJsonCall(SECRETS_MANAGER, throughSsm(), { endpoint: aws.url })('GetSecretValue', { SecretId: 's' });

    expect(() => verifySigV4(aws.received.at(-1)!, 'another-secret')).toThrow('does not verify');
    expect(verifySigV4(aws.received.at(-1)!, SECRET_KEY).service).toBe('secretsmanager');
  });
});

describe('Function: createAwsJsonCall, the endpoint', () => {
  /** The URL a call goes to, with fetch answering without a network. */
  async function endpointOf(call: ReturnType<typeof createAwsJsonCall>): Promise<string> {
    const fetched = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}', { status: 200 }));
    await call('PutEvents', {});
    return String(fetched.mock.calls[0]?.[0]);
  }

  it.each([
    ['the SSM client region', {}, {}, 'https://events.ap-southeast-3.amazonaws.com/'],
    ['a China region', { region: 'cn-north-1' }, {}, 'https://events.cn-north-1.amazonaws.com.cn/'],
    ['FIPS', { region: 'us-east-1', useFipsEndpoint: true }, {}, 'https://events-fips.us-east-1.amazonaws.com/'],
    ['AWS_ENDPOINT_URL', {}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, 'http://127.0.0.1:4566/'],
    [
      'AWS_ENDPOINT_URL_EVENTBRIDGE over AWS_ENDPOINT_URL',
      {},
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:4567' },
      'http://127.0.0.1:4567/',
    ],
    [
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
      {},
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      'https://events.ap-southeast-3.amazonaws.com/',
    ],
    // An SSM client's own endpoint is SSM's (a VPC endpoint, say), not EventBridge's.
    [
      'not the SSM client endpoint',
      { endpoint: 'https://vpce-1.ssm.ap-southeast-3.vpce.amazonaws.com' },
      {},
      'https://events.ap-southeast-3.amazonaws.com/',
    ],
  ])('is where the SDK would send it: %s', async (_case, client, env, expected) => {
    expect(await endpointOf(createAwsJsonCall(EVENTBRIDGE, throughSsm(ssmConfig(client)), { env }))).toBe(expected);
  });

  it("is a same-service client's own endpoint before the environment", async () => {
    const secrets = new SecretsManagerClient({
      region: 'ap-southeast-3',
      endpoint: 'http://127.0.0.1:4999',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET_KEY },
    });
    const call = createAwsJsonCall(
      SECRETS_MANAGER,
      { signingName: 'secretsmanager', config: secrets.config },
      {
        env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' },
      },
    );

    expect(await endpointOf(call)).toBe('http://127.0.0.1:4999/');
  });
});

describe('Function: createAwsJsonCall, failures', () => {
  const call = () => createAwsJsonCall(EVENTBRIDGE, throughSsm(), { endpoint: aws.url })('PutEvents', {});

  it.each([
    [
      'a JSON error',
      json(400, { __type: 'com.amazon.coral.service#AccessDeniedException', message: 'echoes input' }),
      'AccessDeniedException',
      400,
      'client',
    ],
    [
      'the error-type header',
      { status: 400, body: '', headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/' } },
      'ThrottlingException',
      400,
      'client',
    ],
    ["moto's HTML page", { status: 500, body: '<!doctype html><title>500</title>' }, 'UnknownError', 500, 'server'],
    ['an unreadable HTTP 200', { status: 200, body: '<html>' }, 'UnknownError', 200, 'client'],
  ] as const)('names %s by its AWS name and HTTP status, never its message', async (_case, answer, name, status, fault) => {
    aws.script(answer);

    const error = await rejectionOf(call());

    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status }, $fault: fault });
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain('echoes input');
  });

  it("names an endpoint that cannot be reached by Node's network code", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const error = await rejectionOf(createAwsJsonCall(EVENTBRIDGE, throughSsm(), { endpoint: closed })('PutEvents', {}));

    expect(error).toMatchObject({ name: 'ECONNREFUSED', $metadata: {} });
  });

  it("rejects with the signal's reason when the call is aborted", async () => {
    aws.script({ hang: true });
    const signal = AbortSignal.timeout(50);

    const error = await rejectionOf(createAwsJsonCall(EVENTBRIDGE, throughSsm(), { endpoint: aws.url })('PutEvents', {}, signal));

    expect(error).toMatchObject({ name: 'TimeoutError' });
  });
});
