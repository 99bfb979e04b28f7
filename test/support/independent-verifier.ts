import { createDecipheriv, createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A token-endpoint verifier written from ../shared/faspay-sendme-auth.md alone, deliberately
 * sharing no code with functions/faspay: if both implementations misread the reference the same
 * way, the shared test vector still catches it; if they differ, this catches the refresher.
 */
export interface IndependentCredentials {
  faspay_key: string;
  faspay_secret: string;
  app_key: string;
  app_secret: string;
  client_key: string;
  client_secret: string;
  iv: string;
}

function decryptEnc(secret: string, ivWord: string, base64: string): string {
  const key = createHash('sha256').update(secret).digest();
  const ivHex = createHash('md5')
    .update(secret + ivWord)
    .digest('hex');
  const iv = Buffer.from(ivHex.substring(16, 32), 'latin1');
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  return decipher.update(base64, 'base64', 'utf8') + decipher.final('utf8');
}

function jakartaNow(now: Date): Date {
  return new Date(now.getTime() + 7 * 3600 * 1000);
}

/** Returns the list of problems with a token request's headers (empty when it verifies). */
export function verifyTokenRequestIndependently(
  headers: IncomingHttpHeaders,
  credentials: IndependentCredentials,
  signedPath: string,
  now: Date,
): string[] {
  const problems: string[] = [];
  const header = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' ? value : '';
  };
  if (header('faspay-key') !== credentials.faspay_key) problems.push('faspay-key');
  try {
    if (
      decryptEnc(credentials.faspay_secret, credentials.iv, header('faspay-authorization')) !==
      `${credentials.app_key}:${credentials.app_secret}`
    ) {
      problems.push('faspay-authorization plaintext');
    }
  } catch {
    problems.push('faspay-authorization does not decrypt');
  }
  const timestamp = header('faspay-timestamp');
  const wib = jakartaNow(now).toISOString().replace('T', ' ').substring(0, 19);
  const skew = Math.abs(Date.parse(`${timestamp.replace(' ', 'T')}Z`) - Date.parse(`${wib.replace(' ', 'T')}Z`));
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(timestamp) || !(skew <= 120_000)) problems.push('faspay-timestamp');
  const token = Buffer.from(`${credentials.client_key}:${credentials.client_secret}`).toString('base64');
  try {
    const plaintext = decryptEnc(credentials.faspay_secret, credentials.iv, header('faspay-signature'));
    if (plaintext !== ['GET', signedPath, timestamp, token, ''].join(':')) problems.push('faspay-signature plaintext');
  } catch {
    problems.push('faspay-signature does not decrypt');
  }
  if (header('content-type') !== 'application/json') problems.push('content-type');
  return problems;
}

/** A bare token endpoint that answers success only when the independent verification passes. */
export async function startIndependentTokenEndpoint(
  credentials: IndependentCredentials,
  signedPath: string,
): Promise<{ url: string; problems: string[][]; close(): Promise<void> }> {
  const problems: string[][] = [];
  const server: Server = createServer((request, response) => {
    const found =
      request.url === '/account/api/tokens' && request.method === 'GET'
        ? verifyTokenRequestIndependently(request.headers, credentials, signedPath, new Date())
        : ['route'];
    problems.push(found);
    const ok = found.length === 0;
    response.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify(
        ok
          ? {
              access_token: Buffer.from(`independent-${Date.now()}`).toString('base64'),
              expired_in: '36000',
              status: '2',
              message: 'Success',
              response_code: '00',
              response_desc: 'success',
            }
          : { status: '9', message: 'Unauthorized' },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    problems,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
