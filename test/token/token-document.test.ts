import { describe, expect, it } from 'vitest';
import {
  createTokenDocument,
  MAX_TOKEN_LIFETIME_SECONDS,
  parseTokenDocument,
  remainingLifetimeSeconds,
  serializeTokenDocument,
} from '../../functions/token/index.js';

const REQUESTED_AT = new Date('2024-01-15T03:30:00.400Z');

describe('createTokenDocument', () => {
  it('expires expired_in after the request was sent and refreshes the margin before that', () => {
    const document = createTokenDocument({ accessToken: 'tok', expiresInSeconds: 36000 }, REQUESTED_AT, 7200);
    expect(serializeTokenDocument(document)).toBe(
      '{"accessToken":"tok","issuedAt":"2024-01-15T03:30:00.000Z","expiresAt":"2024-01-15T13:30:00.000Z","refreshAt":"2024-01-15T11:30:00.000Z"}',
    );
  });

  it('never schedules the refresh earlier than half the lifetime, nor after expiry', () => {
    const short = createTokenDocument({ accessToken: 'tok', expiresInSeconds: 600 }, REQUESTED_AT, 7200);
    expect(short.refreshAt.toISOString()).toBe('2024-01-15T03:35:00.000Z');
    const noMargin = createTokenDocument({ accessToken: 'tok', expiresInSeconds: 600 }, REQUESTED_AT, 0);
    expect(noMargin.refreshAt).toEqual(noMargin.expiresAt);
  });
});

describe('parseTokenDocument', () => {
  const valid = createTokenDocument({ accessToken: 'tok', expiresInSeconds: 36000 }, REQUESTED_AT, 7200);

  it('round-trips a serialized document', () => {
    expect(parseTokenDocument(serializeTokenDocument(valid))).toEqual(valid);
  });

  it.each([
    ['not JSON', 'tok', /not JSON/],
    ['not an object', '"tok"', /not a JSON object/],
    ['no token', JSON.stringify({ ...JSON.parse(serializeTokenDocument(valid)), accessToken: '' }), /no accessToken/],
    [
      'a local time',
      JSON.stringify({ ...JSON.parse(serializeTokenDocument(valid)), expiresAt: '2024-01-15 20:30:00' }),
      /expiresAt is not an ISO-8601 UTC time/,
    ],
    [
      'an impossible date',
      JSON.stringify({ ...JSON.parse(serializeTokenDocument(valid)), refreshAt: '2024-02-31T00:00:00Z' }),
      /out of order|not a valid time/,
    ],
    [
      'times out of order',
      JSON.stringify({ ...JSON.parse(serializeTokenDocument(valid)), refreshAt: '2024-01-16T00:00:00.000Z' }),
      /out of order/,
    ],
    [
      'claiming a life longer than the longest expired_in accepted (48 h)',
      JSON.stringify({
        accessToken: 'tok',
        issuedAt: '2020-01-01T00:00:00Z',
        refreshAt: '2098-12-31T22:00:00Z',
        expiresAt: '2099-01-01T00:00:00Z',
      }),
      /lifetime longer than 48 h/,
    ],
  ])('rejects a document that is %s, naming the problem but not the token', (_name, text, message) => {
    expect(() => parseTokenDocument(text)).toThrow(message);
    try {
      parseTokenDocument(text);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('tok"');
      expect((error as { code: string }).code).toBe('TOKEN_INVALID');
    }
  });

  it('accepts a document living exactly the longest expired_in accepted', () => {
    const longest = createTokenDocument({ accessToken: 'tok', expiresInSeconds: MAX_TOKEN_LIFETIME_SECONDS }, REQUESTED_AT, 7200);
    expect(parseTokenDocument(serializeTokenDocument(longest))).toEqual(longest);
  });

  it('counts whole seconds of remaining life, never negative', () => {
    expect(remainingLifetimeSeconds(valid, new Date('2024-01-15T13:29:00.500Z'))).toBe(59);
    expect(remainingLifetimeSeconds(valid, new Date('2024-01-16T00:00:00Z'))).toBe(0);
  });
});
