import { describe, expect, it } from 'vitest';
import { FaspayError, type FaspayErrorCode, parseTokenResponse } from '../../functions/faspay/index.js';

const SUCCESS = {
  access_token: 'T0k3n+/=',
  expired_in: '36000',
  status: '2',
  message: 'Success',
  response_code: '00',
  response_desc: 'success',
};

function failure(status: number, body: string): FaspayError {
  try {
    parseTokenResponse({ status, body });
  } catch (error) {
    if (error instanceof FaspayError) return error;
    throw error;
  }
  throw new Error('expected a FaspayError');
}

describe('parseTokenResponse', () => {
  it('accepts the documented success body, keeping the token opaque', () => {
    expect(parseTokenResponse({ status: 200, body: JSON.stringify(SUCCESS) })).toEqual({
      accessToken: 'T0k3n+/=',
      expiresInSeconds: 36000,
    });
  });

  it('accepts an expired_in longer than the 48 h a document may claim: the token was issued, the document caps it', () => {
    expect(parseTokenResponse({ status: 200, body: JSON.stringify({ ...SUCCESS, expired_in: '172801' }) }).expiresInSeconds).toBe(172801);
    expect(parseTokenResponse({ status: 200, body: JSON.stringify({ ...SUCCESS, expired_in: 31536000 }) }).expiresInSeconds).toBe(31536000);
  });

  it('accepts expired_in as a JSON number too', () => {
    expect(parseTokenResponse({ status: 200, body: JSON.stringify({ ...SUCCESS, expired_in: 600 }) }).expiresInSeconds).toBe(600);
  });

  const cases: Array<[string, number, string, FaspayErrorCode, boolean]> = [
    ['HTTP 500 with an HTML page', 500, '<html><body>Internal Server Error</body></html>', 'FASPAY_HTTP_ERROR', true],
    ['HTTP 429', 429, '{}', 'FASPAY_HTTP_ERROR', true],
    ['HTTP 404', 404, 'not found', 'FASPAY_HTTP_ERROR', false],
    ['HTTP 401 with status 9', 401, JSON.stringify({ status: '9', message: 'Unauthorized' }), 'FASPAY_UNAUTHORIZED', false],
    [
      'HTTP 200 with status 9',
      200,
      JSON.stringify({ status: '9', response_code: '01', message: 'Unauthorized' }),
      'FASPAY_UNAUTHORIZED',
      false,
    ],
    ['response_code 99 (internal error)', 200, JSON.stringify({ ...SUCCESS, status: '3', response_code: '99' }), 'FASPAY_REJECTED', true],
    ['response_code other than 00', 200, JSON.stringify({ ...SUCCESS, response_code: '05' }), 'FASPAY_REJECTED', false],
    ['malformed JSON', 200, '{"access_token": "abc', 'FASPAY_BAD_RESPONSE', false],
    ['a JSON array', 200, '[]', 'FASPAY_BAD_RESPONSE', false],
    ['an empty token', 200, JSON.stringify({ ...SUCCESS, access_token: '' }), 'FASPAY_BAD_RESPONSE', false],
    ['a token too long to store', 200, JSON.stringify({ ...SUCCESS, access_token: 'x'.repeat(8001) }), 'FASPAY_BAD_RESPONSE', false],
    ['expired_in missing', 200, JSON.stringify({ ...SUCCESS, expired_in: undefined }), 'FASPAY_BAD_RESPONSE', false],
    ['expired_in not numeric', 200, JSON.stringify({ ...SUCCESS, expired_in: '10h' }), 'FASPAY_BAD_RESPONSE', false],
    ['expired_in zero', 200, JSON.stringify({ ...SUCCESS, expired_in: '0' }), 'FASPAY_BAD_RESPONSE', false],
    ['expired_in negative', 200, JSON.stringify({ ...SUCCESS, expired_in: '-36000' }), 'FASPAY_BAD_RESPONSE', false],
    ['expired_in fractional', 200, JSON.stringify({ ...SUCCESS, expired_in: 1.5 }), 'FASPAY_BAD_RESPONSE', false],
  ];

  it.each(cases)('turns %s into %s (retryable=%s)', (_name, status, body, code, retryable) => {
    const error = failure(status, body);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });

  it("carries Faspay's response_code, response_desc and message, never the body", () => {
    const error = failure(200, JSON.stringify({ ...SUCCESS, response_code: '05', response_desc: 'Invalid merchant' }));
    expect(error.details).toMatchObject({
      responseCode: '05',
      responseDesc: 'Invalid merchant',
      faspayMessage: 'Success',
      httpStatus: 200,
    });
    expect(JSON.stringify(error.toJSON())).not.toContain('T0k3n');
  });
});
