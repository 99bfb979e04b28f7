import { describe, expect, it } from 'vitest';
import { faspayUrl, parseFaspayBaseUrl, parseSignedPath } from '../../functions/faspay/index.js';

describe('parseFaspayBaseUrl', () => {
  it('accepts https anywhere and http on loopback hosts only', () => {
    expect(parseFaspayBaseUrl('https://sendme-sandbox.faspay.co.id').host).toBe('sendme-sandbox.faspay.co.id');
    for (const local of ['http://localhost:8080', 'http://127.0.0.1:1', 'http://[::1]:9000']) {
      expect(() => parseFaspayBaseUrl(local)).not.toThrow();
    }
  });

  it('rejects http to a non-loopback host, naming the setting and the fix', () => {
    expect(() => parseFaspayBaseUrl('http://sendme.faspay.co.id', 'FASPAY_BASE_URL')).toThrow(
      /FASPAY_BASE_URL must use https \(http is allowed only for localhost/,
    );
    expect(() => parseFaspayBaseUrl('http://10.0.0.5')).toThrow(/must use https/);
    expect(() => parseFaspayBaseUrl('ftp://localhost')).toThrow(/must use https/);
  });

  it('rejects non-URLs, user information and queries', () => {
    expect(() => parseFaspayBaseUrl('sendme.faspay.co.id')).toThrow(/is not a URL/);
    expect(() => parseFaspayBaseUrl('https://user:pw@sendme.faspay.co.id')).toThrow(/user information/);
    expect(() => parseFaspayBaseUrl('https://sendme.faspay.co.id/?x=1')).toThrow(/query or fragment/);
  });

  it('joins a base with a path prefix and an API path', () => {
    expect(faspayUrl(parseFaspayBaseUrl('https://h.example/prefix/'), '/account/api/tokens').href).toBe(
      'https://h.example/prefix/account/api/tokens',
    );
    expect(faspayUrl(parseFaspayBaseUrl('http://127.0.0.1:8080'), '/account/api/tokens').href).toBe(
      'http://127.0.0.1:8080/account/api/tokens',
    );
  });
});

describe('parseSignedPath', () => {
  it('accepts absolute paths and rejects anything else', () => {
    expect(parseSignedPath('/account/api/transfer')).toBe('/account/api/transfer');
    expect(() => parseSignedPath('account/api/tokens', 'FASPAY_SIGNED_PATH')).toThrow(/FASPAY_SIGNED_PATH must be an absolute path/);
    expect(() => parseSignedPath('/account/api/tokens?x=1')).toThrow(/absolute path/);
    expect(() => parseSignedPath('/a:b')).toThrow(/absolute path/);
  });
});
