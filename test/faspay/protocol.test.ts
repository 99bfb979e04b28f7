import { describe, expect, it } from 'vitest';
import {
  buildStringToSign,
  createFaspayCipher,
  createFaspaySigner,
  deriveFaspayIv,
  deriveFaspayKey,
  type FaspayCredentials,
  parseStringToSign,
  serviceCallTokenField,
  tokenRequestTokenField,
} from '../../functions/faspay/index.js';

// The test vector of ../shared/faspay-sendme-auth.md (made-up credentials).
const VECTOR_CREDENTIALS: FaspayCredentials = {
  faspay_key: 'demo_faspay_key_123',
  faspay_secret: 'demo_faspay_secret_456',
  app_key: 'demo_app_key',
  app_secret: 'demo_app_secret',
  client_key: 'demo_client_key',
  client_secret: 'demo_client_secret',
  iv: 'demoIVstring123',
};
const VECTOR_TIMESTAMP = '2024-01-15 10:30:00';

describe('Faspay ENC cipher', () => {
  it('derives the key as SHA-256 of faspay_secret', () => {
    expect(deriveFaspayKey(VECTOR_CREDENTIALS.faspay_secret).toString('hex')).toBe(
      '6e2f0b14d42e814f69f453ffd49bdc8ce54434669bf26a44f51852f32579e472',
    );
  });

  it('derives the IV as the ASCII bytes of the last 16 hex characters of MD5(secret + iv)', () => {
    const iv = deriveFaspayIv(VECTOR_CREDENTIALS.faspay_secret, VECTOR_CREDENTIALS.iv);
    expect(iv.toString('ascii')).toBe('c63ea85e33b58f57');
    expect(iv).toHaveLength(16);
  });

  it('decrypts what it encrypted, for ASCII and non-ASCII text of any length', () => {
    const cipher = createFaspayCipher('another secret', 'word');
    for (const plaintext of ['', 'a', 'x'.repeat(16), 'y'.repeat(17), 'Rp 1.000 — ✓ ÿ', 'z'.repeat(5000)]) {
      const encrypted = cipher.encrypt(plaintext);
      expect(encrypted).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(cipher.decrypt(encrypted)).toBe(plaintext);
    }
  });

  it('refuses to decrypt with the wrong secret', () => {
    const encrypted = createFaspayCipher('right secret', 'iv').encrypt('GET:/x:2024-01-15 10:30:00:abc:');
    expect(() => createFaspayCipher('wrong secret', 'iv').decrypt(encrypted)).toThrow();
  });
});

describe('Faspay signer', () => {
  it('produces the test vector headers for the token request', () => {
    const headers = createFaspaySigner(VECTOR_CREDENTIALS).tokenRequestHeaders(VECTOR_TIMESTAMP);
    expect(headers).toEqual({
      'faspay-key': 'demo_faspay_key_123',
      'faspay-timestamp': VECTOR_TIMESTAMP,
      'faspay-authorization': '9xoR6eLUzruH4ZbjLQ3hqso3UVYEBcJzYZBrfgU913s=',
      'faspay-signature':
        'bGbiHqOi93R7K0DfNF+pyHgpUJ7Gd4EsXXF2/j9iDOz9EXjczT0lTdjt50soTRoh/5+qMPDc5l3kjuTjzhtKhdW7j6Nr4H7ej7BQAv/QX+us/aX+8JVCeBpHnvaZD38H',
      'Content-Type': 'application/json',
    });
  });

  it('uses base64(client_key:client_secret) as the token field of the token request', () => {
    expect(tokenRequestTokenField(VECTOR_CREDENTIALS)).toBe('ZGVtb19jbGllbnRfa2V5OmRlbW9fY2xpZW50X3NlY3JldA==');
  });

  it('signs the configured path when one is given', () => {
    const signer = createFaspaySigner(VECTOR_CREDENTIALS);
    const cipher = createFaspayCipher(VECTOR_CREDENTIALS.faspay_secret, VECTOR_CREDENTIALS.iv);
    const headers = signer.tokenRequestHeaders(VECTOR_TIMESTAMP, '/account/api/transfer');
    expect(cipher.decrypt(headers['faspay-signature'])).toBe(
      `GET:/account/api/transfer:${VECTOR_TIMESTAMP}:ZGVtb19jbGllbnRfa2V5OmRlbW9fY2xpZW50X3NlY3JldA==:`,
    );
  });

  it('signs a service call with the access token inside the token field', () => {
    const signer = createFaspaySigner(VECTOR_CREDENTIALS);
    const cipher = createFaspayCipher(VECTOR_CREDENTIALS.faspay_secret, VECTOR_CREDENTIALS.iv);
    const headers = signer.serviceCallHeaders('POST', '/account/api/transfer', VECTOR_TIMESTAMP, 'tok+/=');
    const fields = parseStringToSign(cipher.decrypt(headers['faspay-signature']));
    expect(fields).toEqual({
      method: 'POST',
      path: '/account/api/transfer',
      timestamp: VECTOR_TIMESTAMP,
      token: serviceCallTokenField(VECTOR_CREDENTIALS, 'tok+/='),
      body: '',
    });
    expect(Buffer.from(fields!.token, 'base64').toString()).toBe('demo_client_key:demo_client_secret:tok+/=');
    expect(headers['faspay-authorization']).toBe('9xoR6eLUzruH4ZbjLQ3hqso3UVYEBcJzYZBrfgU913s=');
  });
});

describe('StringToSign', () => {
  it('has five fields and ends with one colon when the body is empty', () => {
    expect(buildStringToSign({ method: 'GET', path: '/p', timestamp: VECTOR_TIMESTAMP, token: 'dA==' })).toBe(
      'GET:/p:2024-01-15 10:30:00:dA==:',
    );
  });

  it('parses despite the colons inside the timestamp, and rejects what is not one', () => {
    expect(parseStringToSign('GET:/p:2024-01-15 10:30:00:dA==:')?.timestamp).toBe(VECTOR_TIMESTAMP);
    expect(parseStringToSign('GET:/p:2024-01-15 10:30:dA==:')).toBeUndefined();
    expect(parseStringToSign('GET:/p:2024-01-15T10:30:00:dA==:')).toBeUndefined();
    expect(parseStringToSign('get:/p:2024-01-15 10:30:00:dA==:')).toBeUndefined();
  });
});
