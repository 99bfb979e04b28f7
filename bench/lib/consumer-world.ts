/**
 * The consumer bench's world: one token parameter on a fake clock, rewritten on time or by the
 * deployed refresher's schedule, and a global Date that follows the fake clock.
 */
import { decideRefresh, serializeTokenDocument, type TokenDocument } from '../../functions/token/index.js';

export const HOUR = 3_600_000;
export const LIFETIME_MS = 10 * HOUR;
const REFRESH_BEFORE_MS = 2 * HOUR;
const SCHEDULE_MS = 15 * 60_000;
export const START_MS = Date.parse('2026-11-25T00:00:00Z');

export type Refresher = 'on time' | '15-minute schedule';

export function documentIssuedAt(issuedAtMs: number, serial: number): TokenDocument {
  const expiresAtMs = issuedAtMs + LIFETIME_MS;
  return {
    accessToken: Buffer.from(`bench-token-${serial}`.padEnd(512, '.')).toString('base64'),
    issuedAt: new Date(issuedAtMs),
    expiresAt: new Date(expiresAtMs),
    refreshAt: new Date(expiresAtMs - REFRESH_BEFORE_MS),
  };
}

/**
 * The token parameter and its writer: exactly at refreshAt, or the deployed refresher on the stack's
 * default 15-minute schedule (which replaces a token at the last run before its refreshAt).
 */
export function createWorld(refresher: Refresher) {
  // On a schedule the first token was issued a second into a run, so later refreshAt fall just after a run.
  let document = documentIssuedAt(refresher === 'on time' ? START_MS : START_MS - SCHEDULE_MS + 1000, 1);
  let stored = serializeTokenDocument(document);
  let published = 1;
  let nextRunMs = START_MS;
  const publish = (issuedAtMs: number) => {
    document = documentIssuedAt(issuedAtMs, ++published);
    stored = serializeTokenDocument(document);
  };
  return {
    advanceTo(nowMs: number) {
      if (refresher === 'on time') {
        if (nowMs >= document.refreshAt.getTime()) publish(document.refreshAt.getTime());
        return;
      }
      for (; nextRunMs <= nowMs; nextRunMs += SCHEDULE_MS) {
        // The deployed refresher's own decision, with the stack's look-ahead of one schedule interval.
        const state = { kind: 'valid', document, version: published } as const;
        if (decideRefresh(state, new Date(nextRunMs), { force: false, lookaheadMs: SCHEDULE_MS }).refresh) publish(nextRunMs + 1000);
      }
    },
    stored: () => stored,
    published: () => published,
  };
}

/** Replaces the global Date so that `new Date()` and `Date.now()` (Powertools' cache clock) follow `now`. */
export function installFakeDate(now: () => number): () => void {
  const RealDate = Date;
  class FakeDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return now();
    }
  }
  globalThis.Date = FakeDate as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
  };
}
