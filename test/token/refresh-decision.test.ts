import { describe, expect, it } from 'vitest';
import { createTokenDocument, decideRefresh, shouldPublish, type StoredTokenState } from '../../functions/token/index.js';

const ISSUED = new Date('2024-01-15T00:00:00Z');
const document = createTokenDocument({ accessToken: 'tok', expiresInSeconds: 36000 }, ISSUED, 7200);
const stored: StoredTokenState = { kind: 'valid', document, version: 3 };
const at = (iso: string) => new Date(iso);

describe('decideRefresh', () => {
  it('skips while the stored token is before its refreshAt', () => {
    expect(decideRefresh(stored, at('2024-01-15T07:59:59Z'), { force: false })).toEqual({ refresh: false, reason: 'fresh' });
  });

  it('refreshes from refreshAt on, and says so once expired', () => {
    expect(decideRefresh(stored, at('2024-01-15T08:00:00Z'), { force: false })).toEqual({ refresh: true, reason: 'due' });
    expect(decideRefresh(stored, at('2024-01-15T10:00:00Z'), { force: false })).toEqual({ refresh: true, reason: 'expired' });
  });

  it('refreshes when nothing or something unusable is stored', () => {
    expect(decideRefresh({ kind: 'missing' }, ISSUED, { force: false })).toEqual({ refresh: true, reason: 'missing' });
    expect(decideRefresh({ kind: 'invalid', problem: 'x' }, ISSUED, { force: false })).toEqual({ refresh: true, reason: 'invalid' });
  });

  it('counts a run within the look-ahead of refreshAt as due (the last scheduled run before it)', () => {
    const lookaheadMs = 15 * 60 * 1000;
    expect(decideRefresh(stored, at('2024-01-15T07:44:59Z'), { force: false, lookaheadMs })).toEqual({ refresh: false, reason: 'fresh' });
    expect(decideRefresh(stored, at('2024-01-15T07:45:00Z'), { force: false, lookaheadMs })).toEqual({ refresh: true, reason: 'due' });
  });

  it('refreshes a fresh token when forced', () => {
    expect(decideRefresh(stored, ISSUED, { force: true })).toEqual({ refresh: true, reason: 'forced' });
  });
});

describe('shouldPublish', () => {
  it('keeps a stored token that lives longer than the candidate', () => {
    const older = createTokenDocument({ accessToken: 'old', expiresInSeconds: 36000 }, at('2024-01-14T23:59:00Z'), 7200);
    expect(shouldPublish(older, stored)).toBe(false);
    const newer = createTokenDocument({ accessToken: 'new', expiresInSeconds: 36000 }, at('2024-01-15T00:01:00Z'), 7200);
    expect(shouldPublish(newer, stored)).toBe(true);
    expect(shouldPublish(newer, { kind: 'missing' })).toBe(true);
  });
});
