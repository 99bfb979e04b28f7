import { describe, expect, it } from 'vitest';
import { verifyTokenRequestIndependently } from '../support/independent-verifier.js';

// The shared reference's test vector, checked by the independent verifier (not by functions/faspay).
const credentials = {
  faspay_key: 'demo_faspay_key_123',
  faspay_secret: 'demo_faspay_secret_456',
  app_key: 'demo_app_key',
  app_secret: 'demo_app_secret',
  client_key: 'demo_client_key',
  client_secret: 'demo_client_secret',
  iv: 'demoIVstring123',
};
const vectorHeaders = {
  'faspay-key': 'demo_faspay_key_123',
  'faspay-timestamp': '2024-01-15 10:30:00',
  'faspay-authorization': '9xoR6eLUzruH4ZbjLQ3hqso3UVYEBcJzYZBrfgU913s=',
  'faspay-signature':
    'bGbiHqOi93R7K0DfNF+pyHgpUJ7Gd4EsXXF2/j9iDOz9EXjczT0lTdjt50soTRoh/5+qMPDc5l3kjuTjzhtKhdW7j6Nr4H7ej7BQAv/QX+us/aX+8JVCeBpHnvaZD38H',
  'content-type': 'application/json',
};
const vectorInstant = new Date('2024-01-15T03:30:00Z');

describe('independent verifier (test support)', () => {
  it('accepts the reference test vector', () => {
    expect(verifyTokenRequestIndependently(vectorHeaders, credentials, '/account/api/tokens', vectorInstant)).toEqual([]);
  });

  it('rejects a wrong path, a stale timestamp and a tampered signature', () => {
    expect(verifyTokenRequestIndependently(vectorHeaders, credentials, '/account/api/transfer', vectorInstant)).toEqual([
      'faspay-signature plaintext',
    ]);
    expect(verifyTokenRequestIndependently(vectorHeaders, credentials, '/account/api/tokens', new Date('2024-01-15T03:40:00Z'))).toEqual([
      'faspay-timestamp',
    ]);
    const tampered = { ...vectorHeaders, 'faspay-signature': vectorHeaders['faspay-signature'].replace('bGbi', 'bGbj') };
    expect(verifyTokenRequestIndependently(tampered, credentials, '/account/api/tokens', vectorInstant)).not.toEqual([]);
  });
});
