import { describe, expect, it } from 'vitest';
import { CredentialsInvalidError, parseFaspayCredentialsJson } from '../../functions/faspay/index.js';

const VALID = {
  faspay_key: 'fk-value',
  faspay_secret: 'fs-value',
  app_key: 'ak-value',
  app_secret: 'as-value',
  client_key: 'ck-value',
  client_secret: 'cs-value',
  iv: 'iv-value',
};

function errorFor(text: string): CredentialsInvalidError {
  try {
    parseFaspayCredentialsJson(text);
  } catch (error) {
    if (error instanceof CredentialsInvalidError) return error;
    throw error;
  }
  throw new Error('expected CredentialsInvalidError');
}

describe('parseFaspayCredentialsJson', () => {
  it('returns the seven keys and ignores extra ones such as virtual_account', () => {
    expect(parseFaspayCredentialsJson(JSON.stringify({ ...VALID, virtual_account: '123' }))).toEqual(VALID);
  });

  it('names missing, non-string and empty keys, never their values', () => {
    const { faspay_secret: _omitted, ...rest } = VALID;
    const error = errorFor(JSON.stringify({ ...rest, app_key: 42, iv: '  ', client_secret: 'cs-value' }));
    expect(error.code).toBe('CREDENTIALS_INVALID');
    expect(error.message).toBe('the credentials secret has invalid keys (missing: faspay_secret; not a string: app_key; empty: iv)');
    expect(error.invalidKeys).toEqual(['faspay_secret', 'app_key', 'iv']);
    expect(JSON.stringify(error.toJSON())).not.toMatch(/-value/);
  });

  it('rejects values with leading or trailing whitespace, naming the keys, never the values', () => {
    const error = errorFor(JSON.stringify({ ...VALID, app_secret: ' padded-app-secret', client_key: 'padded-client-key\n' }));
    expect(error.code).toBe('CREDENTIALS_INVALID');
    expect(error.message).toBe('the credentials secret has invalid keys (leading or trailing whitespace: app_secret, client_key)');
    expect(error.invalidKeys).toEqual(['app_secret', 'client_key']);
    expect(JSON.stringify(error.toJSON())).not.toMatch(/padded/);
  });

  it('rejects a value that is not JSON without echoing it', () => {
    const error = errorFor('faspay_secret=fs-value');
    expect(error.message).toMatch(/is not JSON/);
    expect(error.message).not.toMatch(/fs-value/);
  });

  it('rejects JSON that is not an object', () => {
    expect(errorFor('["fs-value"]').message).toMatch(/must be a JSON object/);
    expect(errorFor('null').message).toMatch(/must be a JSON object/);
  });
});
