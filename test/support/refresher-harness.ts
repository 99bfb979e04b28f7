import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import type { FaspayCredentials } from '../../functions/faspay/index.js';
import type { MotoServer } from './moto.js';

export const PARAMETER_NAME = '/faspay/sendme/access-token';
export const SECRET_NAME = 'faspay/sendme/credentials';

export type Handler = (event: unknown, context?: Context) => Promise<Record<string, unknown>>;

/**
 * Loads a fresh copy of the real Lambda handler module with `env` as its environment (the handler
 * reads its configuration at import, like a cold start).
 */
export async function loadHandler(env: Record<string, string>): Promise<Handler> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  const module = (await import('../../functions/lambda/handler.js')) as unknown as { handler: Handler };
  return module.handler;
}

export function handlerEnv(moto: MotoServer, faspayUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...moto.env,
    FASPAY_BASE_URL: faspayUrl,
    FASPAY_CREDENTIALS_SECRET_ID: SECRET_NAME,
    TOKEN_PARAMETER_NAME: PARAMETER_NAME,
    FASPAY_HTTP_TIMEOUT_MS: '1500',
    ...extra,
  };
}

export function lambdaContext(remainingMs = 60_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'faspay-token-refresher',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-3:123456789012:function:faspay-token-refresher',
    memoryLimitInMB: '256',
    awsRequestId: 'test-request',
    logGroupName: '/aws/lambda/faspay-token-refresher',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function createCredentialsSecret(moto: MotoServer, value: FaspayCredentials | string): Promise<void> {
  const client = new SecretsManagerClient(moto.clientConfig);
  await client.send(
    new CreateSecretCommand({ Name: SECRET_NAME, SecretString: typeof value === 'string' ? value : JSON.stringify(value) }),
  );
}

export interface StoredParameter {
  readonly value: string;
  readonly version: number;
  readonly type: string;
}

export async function readParameter(moto: MotoServer): Promise<StoredParameter | undefined> {
  const client = new SSMClient(moto.clientConfig);
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: PARAMETER_NAME, WithDecryption: true }));
    return { value: Parameter!.Value!, version: Parameter!.Version!, type: Parameter!.Type! };
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** Rejection of a handler call, as the coded error it must be. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ code: string; message: string; name: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; name: string };
  }
  throw new Error('expected the handler to reject');
}
