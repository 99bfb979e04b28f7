import type { FaspayCredentials } from './credentials.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The "token" field of a token request's signature: base64(client_key:client_secret). */
export function tokenRequestTokenField(credentials: FaspayCredentials): string {
  return Buffer.from(`${credentials.client_key}:${credentials.client_secret}`, 'utf8').toString('base64');
}

/** The "token" field of a service call's signature: base64(client_key:client_secret:access_token). */
export function serviceCallTokenField(credentials: FaspayCredentials, accessToken: string): string {
  return Buffer.from(`${credentials.client_key}:${credentials.client_secret}:${accessToken}`, 'utf8').toString('base64');
}

export interface StringToSignFields {
  readonly method: string;
  readonly path: string;
  readonly timestamp: string;
  readonly token: string;
  /** Always empty in the SDKs, so the string ends with one colon. */
  readonly body: string;
}

/** METHOD:path:timestamp:token:body (five fields; the timestamp itself contains colons). */
export function buildStringToSign(fields: Omit<StringToSignFields, 'body'> & { body?: string }): string {
  return `${fields.method}:${fields.path}:${fields.timestamp}:${fields.token}:${fields.body ?? ''}`;
}

const STRING_TO_SIGN_PATTERN = /^([A-Z]+):([^:]*):(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}):([A-Za-z0-9+/]*={0,2}):(.*)$/s;

/**
 * Splits a decrypted signature into its fields, or undefined when it is not one. The timestamp has
 * a fixed shape with two colons of its own, which is why this is a pattern and not a split(':').
 */
export function parseStringToSign(text: string): StringToSignFields | undefined {
  const match = STRING_TO_SIGN_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, method, path, timestamp, token, body] = match as unknown as [string, string, string, string, string, string];
  return { method, path, timestamp, token, body };
}
