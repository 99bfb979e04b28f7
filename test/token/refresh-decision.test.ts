import { describe, expect, it } from 'vitest';
import {
  createTokenDocument,
  decideRefresh,
  replacementRequested,
  type StoredTokenState,
  serializeTokenDocument,
  shouldPublish,
  tokenStateOf,
} from '../../functions/token/index.js';

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

  it('counts a token whose refreshAt a report moved ahead as due exactly from then, whatever the look-ahead and its age', () => {
    // GIVEN the token stored again by a report, due 60 s after its issue (before half its life)
    const moved = { ...document, refreshAt: new Date(ISSUED.getTime() + 60_000) };
    const state: StoredTokenState = { kind: 'valid', document: moved, version: 4 };
    const lookaheadMs = 15 * 60 * 1000;
    // THEN it is due from the moved refreshAt on, even within the first interval after its issue, and not before
    expect(replacementRequested(moved)).toBe(true);
    expect(replacementRequested(document)).toBe(false);
    expect(decideRefresh(state, at('2024-01-15T00:00:59Z'), { force: false, lookaheadMs })).toEqual({ refresh: false, reason: 'fresh' });
    expect(decideRefresh(state, at('2024-01-15T00:01:00Z'), { force: false, lookaheadMs })).toEqual({ refresh: true, reason: 'due' });
  });

  it('never lets a document its own schedule built count as moved ahead, whatever its lifetime and margin', () => {
    for (const seconds of [1, 2, 3, 59, 601, 36000, 172800, 172801]) {
      for (const margin of [60, 7200, 86400]) {
        const built = createTokenDocument({ accessToken: 't', expiresInSeconds: seconds }, ISSUED, margin);
        expect(replacementRequested(built), `${seconds} s, margin ${margin} s`).toBe(false);
      }
    }
  });

  it('never counts a token issued within the last interval as due, only as expired', () => {
    // A 20-minute token on a 15-minute schedule: refreshAt is 10 minutes after issue.
    const short = createTokenDocument({ accessToken: 'short', expiresInSeconds: 1200 }, ISSUED, 7200);
    const state: StoredTokenState = { kind: 'valid', document: short, version: 1 };
    const lookaheadMs = 15 * 60 * 1000;
    expect(decideRefresh(state, at('2024-01-15T00:00:30Z'), { force: false, lookaheadMs })).toEqual({ refresh: false, reason: 'fresh' });
    expect(decideRefresh(state, at('2024-01-15T00:14:59Z'), { force: false, lookaheadMs })).toEqual({ refresh: false, reason: 'fresh' });
    expect(decideRefresh(state, at('2024-01-15T00:15:00Z'), { force: false, lookaheadMs })).toEqual({ refresh: true, reason: 'due' });
  });

  it('refreshes a fresh token when forced', () => {
    expect(decideRefresh(stored, ISSUED, { force: true })).toEqual({ refresh: true, reason: 'forced' });
  });
});

describe('shouldPublish', () => {
  it('keeps a stored token issued later than the candidate, whatever expiry either claims', () => {
    const older = createTokenDocument({ accessToken: 'old', expiresInSeconds: 36000 }, at('2024-01-14T23:59:00Z'), 7200);
    expect(shouldPublish(older, stored)).toBe(false);
    const newer = createTokenDocument({ accessToken: 'new', expiresInSeconds: 36000 }, at('2024-01-15T00:01:00Z'), 7200);
    expect(shouldPublish(newer, stored)).toBe(true);
    expect(shouldPublish(newer, { kind: 'missing' })).toBe(true);
    // A shorter-lived token issued later still wins over a longer-lived one issued earlier.
    const laterButShorter = createTokenDocument({ accessToken: 'short', expiresInSeconds: 3600 }, at('2024-01-15T00:01:00Z'), 600);
    expect(shouldPublish(laterButShorter, stored)).toBe(true);
  });
});

describe('decideRefresh on a rejection report', () => {
  const cooldownMs = 60_000;
  const rejection = (parameterVersion: number) => ({ force: false, rejection: { parameterVersion, cooldownMs } });

  it('refreshes the stored version once it is older than the cooldown', () => {
    expect(decideRefresh(stored, at('2024-01-15T00:01:00Z'), rejection(3))).toEqual({ refresh: true, reason: 'rejected' });
  });

  it('ignores a report for a version no longer stored, and one within the cooldown', () => {
    expect(decideRefresh(stored, at('2024-01-15T05:00:00Z'), rejection(2))).toEqual({ refresh: false, reason: 'report-outdated' });
    expect(decideRefresh(stored, at('2024-01-15T00:00:59Z'), rejection(3))).toEqual({ refresh: false, reason: 'cooldown' });
    expect(decideRefresh({ kind: 'missing' }, ISSUED, rejection(3))).toEqual({ refresh: false, reason: 'report-outdated' });
  });
});

describe('tokenStateOf', () => {
  it('reads a record as valid, invalid (naming the problem) or missing', () => {
    expect(tokenStateOf(undefined, ISSUED)).toEqual({ kind: 'missing' });
    expect(tokenStateOf({ value: serializeTokenDocument(document), version: 3 }, ISSUED)).toEqual(stored);
    expect(tokenStateOf({ value: 'nope', version: 4 }, ISSUED)).toEqual({
      kind: 'invalid',
      problem: 'the token document is not JSON',
      version: 4,
    });
  });

  it('counts a document issued more than 5 minutes after now as invalid', () => {
    const value = serializeTokenDocument(document);
    expect(tokenStateOf({ value, version: 1 }, at('2024-01-14T23:55:00Z')).kind).toBe('valid');
    expect(tokenStateOf({ value, version: 1 }, at('2024-01-14T23:54:59Z'))).toMatchObject({
      kind: 'invalid',
      problem: expect.stringMatching(/5 minutes in the future/),
    });
  });
});
