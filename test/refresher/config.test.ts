import { describe, expect, it } from 'vitest';
import { parseRefresherConfig } from '../../functions/contracts/settings.js';

const REQUIRED = {
  FASPAY_BASE_URL: 'https://sendme-sandbox.faspay.co.id',
  FASPAY_CREDENTIALS_SECRET_ID: 'faspay/sendme/credentials',
  TOKEN_PARAMETER_NAME: '/faspay/sendme/access-token',
};

describe('parseRefresherConfig', () => {
  it('applies documented defaults to optional variables', () => {
    const config = parseRefresherConfig(REQUIRED);
    expect(config).toMatchObject({
      credentialsSecretId: 'faspay/sendme/credentials',
      tokenParameterName: '/faspay/sendme/access-token',
      refreshBeforeExpirySeconds: 7200,
      refreshLookaheadSeconds: 0,
      signedPath: '/account/api/tokens',
      timeZone: 'Asia/Jakarta',
      httpTimeoutMs: 8000,
      maxAttempts: 3,
    });
    expect(config.faspayBaseUrl.href).toBe('https://sendme-sandbox.faspay.co.id/');
    expect(config.kmsKeyId).toBeUndefined();
  });

  it('reads every optional variable', () => {
    const config = parseRefresherConfig({
      ...REQUIRED,
      REFRESH_BEFORE_EXPIRY_SECONDS: '3600',
      REFRESH_LOOKAHEAD_SECONDS: '900',
      FASPAY_SIGNED_PATH: '/account/api/transfer',
      FASPAY_TIMEZONE: 'Asia/Makassar',
      TOKEN_PARAMETER_KMS_KEY_ID: 'arn:aws:kms:ap-southeast-3:123456789012:key/abc',
      FASPAY_HTTP_TIMEOUT_MS: '2500',
      FASPAY_MAX_ATTEMPTS: '5',
    });
    expect(config).toMatchObject({
      refreshBeforeExpirySeconds: 3600,
      refreshLookaheadSeconds: 900,
      signedPath: '/account/api/transfer',
      timeZone: 'Asia/Makassar',
      kmsKeyId: 'arn:aws:kms:ap-southeast-3:123456789012:key/abc',
      httpTimeoutMs: 2500,
      maxAttempts: 5,
    });
  });

  it.each([
    [{ FASPAY_BASE_URL: undefined }, /^environment variable FASPAY_BASE_URL is required but not set$/],
    [{ FASPAY_CREDENTIALS_SECRET_ID: ' ' }, /FASPAY_CREDENTIALS_SECRET_ID is required/],
    [{ TOKEN_PARAMETER_NAME: undefined }, /TOKEN_PARAMETER_NAME is required/],
    [{ FASPAY_BASE_URL: 'http://sendme.faspay.co.id' }, /^FASPAY_BASE_URL must use https/],
    [{ TOKEN_PARAMETER_NAME: 'faspay/token' }, /TOKEN_PARAMETER_NAME contains "\/" but does not start with "\/"/],
    [{ TOKEN_PARAMETER_NAME: '/faspay//token' }, /TOKEN_PARAMETER_NAME has an empty path segment/],
    [{ TOKEN_PARAMETER_NAME: '/aws/token' }, /must not start with "aws" or "ssm"/],
    [{ TOKEN_PARAMETER_NAME: '/faspay/token value' }, /may contain only letters/],
    [{ REFRESH_BEFORE_EXPIRY_SECONDS: '2h' }, /REFRESH_BEFORE_EXPIRY_SECONDS must be a whole number from 60 to 86400, got "2h"/],
    [{ REFRESH_LOOKAHEAD_SECONDS: '-1' }, /REFRESH_LOOKAHEAD_SECONDS must be a whole number from 0 to 86400/],
    [{ FASPAY_HTTP_TIMEOUT_MS: '50' }, /FASPAY_HTTP_TIMEOUT_MS must be a whole number from 100/],
    [{ FASPAY_MAX_ATTEMPTS: '0' }, /FASPAY_MAX_ATTEMPTS must be a whole number from 1 to 10/],
    [{ FASPAY_TIMEZONE: 'WIB' }, /^FASPAY_TIMEZONE: unknown time zone "WIB"/],
    [{ FASPAY_SIGNED_PATH: 'account/api/tokens' }, /FASPAY_SIGNED_PATH must be an absolute path/],
  ])('rejects %j with a message naming the variable', (override, message) => {
    expect(() => parseRefresherConfig({ ...REQUIRED, ...override })).toThrow(message);
  });
});
