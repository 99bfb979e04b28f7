import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseTokenDocument } from '../../functions/token/index.js';
import { type IndependentCredentials, startIndependentTokenEndpoint } from '../support/independent-verifier.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { captureOutput, findLeaks } from '../support/output-capture.js';
import { buildMinifiedRefresher } from '../support/refresher-bundles.js';
import { createCredentialsSecret, handlerEnv, lambdaContext, readParameter } from '../support/refresher-harness.js';

const CREDENTIALS: IndependentCredentials = {
  faspay_key: 'bundle-test-key-7f3a',
  faspay_secret: 'bundle-test-secret-91c2',
  app_key: 'bundle-app-key-55d0',
  app_secret: 'bundle-app-secret-0b8e',
  client_key: 'bundle-client-key-c4e1',
  client_secret: 'bundle-client-secret-a9f6',
  iv: 'bundleIvWord42',
};

let moto: MotoServer;
let outDir: string;

beforeAll(async () => {
  moto = await startMoto();
  outDir = mkdtempSync(join(tmpdir(), 'refresher-bundle-'));
  await buildMinifiedRefresher(join(outDir, 'index.mjs'));
});

afterAll(async () => {
  await moto?.stop();
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

describe('the bundled refresher', () => {
  it('signs requests that a verifier written independently from the reference accepts, and publishes the token', async () => {
    const endpoint = await startIndependentTokenEndpoint(CREDENTIALS, '/account/api/transfer');
    try {
      await createCredentialsSecret(moto, { ...CREDENTIALS });
      for (const [name, value] of Object.entries(handlerEnv(moto, endpoint.url, { FASPAY_SIGNED_PATH: '/account/api/transfer' }))) {
        vi.stubEnv(name, value);
      }
      const output = captureOutput();
      let summary: unknown;
      try {
        const bundle = (await import(pathToFileURL(join(outDir, 'index.mjs')).href)) as {
          handler: (event: unknown, context: unknown) => Promise<unknown>;
        };
        summary = await bundle.handler({ trigger: 'schedule' }, lambdaContext());
      } finally {
        output.stop();
        vi.unstubAllEnvs();
      }

      expect(endpoint.problems).toEqual([[]]);
      expect(summary).toMatchObject({ refreshed: true, reason: 'missing', parameterVersion: 1 });
      const stored = await readParameter(moto);
      expect(stored?.type).toBe('SecureString');
      const token = parseTokenDocument(stored!.value).accessToken;
      expect(Buffer.from(token, 'base64').toString()).toMatch(/^independent-\d+$/);
      expect(findLeaks(output.text(), [...Object.values(CREDENTIALS), token])).toEqual([]);
      expect(statSync(join(outDir, 'index.mjs')).size).toBeLessThan(2_000_000);
    } finally {
      await endpoint.close();
    }
  });
});
