import { TokenDocumentError } from './errors.js';

/** What a successful token request yields, whatever the protocol that obtained it. */
export interface TokenGrant {
  /** Opaque: never trimmed, decoded or URL-encoded. */
  readonly accessToken: string;
  /** Lifetime relative to issue time (Faspay gives no absolute expiry). */
  readonly expiresInSeconds: number;
}

/**
 * Longest lifetime a token document may claim. Faspay documents about 10 hours; an answer claiming
 * much more is more likely a bug than a gift, and believing it would stop refreshes for that long.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 48 * 3600;

/**
 * How far in the future a stored `issuedAt` may lie before the document counts as invalid: more
 * than any clock skew between the refresher, an operator's laptop and AWS, and far less than a
 * token's life. A document "issued" later than this was planted or written by a broken clock.
 */
export const MAX_ISSUED_AHEAD_SECONDS = 5 * 60;

/**
 * The JSON stored in the SSM parameter. Consumers may cache `accessToken` until `refreshAt`; it is
 * unusable from `expiresAt` on.
 */
export interface TokenDocument {
  readonly accessToken: string;
  /** When the token request was sent: the conservative start of the token's life. */
  readonly issuedAt: Date;
  /** `issuedAt` + Faspay's `expired_in`. */
  readonly expiresAt: Date;
  /** When the refresher intends to replace the token; never after `expiresAt`. */
  readonly refreshAt: Date;
}

/**
 * Builds the document for a fresh grant. `refreshAt` is `refreshBeforeExpirySeconds` before expiry,
 * but never earlier than half the lifetime: a margin longer than the token's life would otherwise
 * make every scheduled run refresh again. A grant longer than {@link MAX_TOKEN_LIFETIME_SECONDS} is
 * kept with its lifetime cut to that: a shorter assumed life is always safe, and throwing the token
 * away would not undo its issue (Faspay may already have revoked the stored one for it).
 */
export function createTokenDocument(grant: TokenGrant, requestedAt: Date, refreshBeforeExpirySeconds: number): TokenDocument {
  const lifetimeMs = storedLifetimeSeconds(grant) * 1000;
  const marginMs = Math.min(refreshBeforeExpirySeconds * 1000, Math.floor(lifetimeMs / 2));
  const issuedAt = new Date(Math.floor(requestedAt.getTime() / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + lifetimeMs);
  return { accessToken: grant.accessToken, issuedAt, expiresAt, refreshAt: new Date(expiresAt.getTime() - marginMs) };
}

/** The lifetime a document claims for a grant: Faspay's, at most {@link MAX_TOKEN_LIFETIME_SECONDS}. */
export function storedLifetimeSeconds(grant: TokenGrant): number {
  return Math.min(grant.expiresInSeconds, MAX_TOKEN_LIFETIME_SECONDS);
}

/** A copy with Date objects of its own: whoever holds it cannot move another holder's schedule by mutating one. */
export function copyTokenDocument(document: TokenDocument): TokenDocument {
  return {
    ...document,
    issuedAt: new Date(document.issuedAt),
    expiresAt: new Date(document.expiresAt),
    refreshAt: new Date(document.refreshAt),
  };
}

export function serializeTokenDocument(document: TokenDocument): string {
  return JSON.stringify({
    accessToken: document.accessToken,
    issuedAt: document.issuedAt.toISOString(),
    expiresAt: document.expiresAt.toISOString(),
    refreshAt: document.refreshAt.toISOString(),
  });
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Parses the stored text strictly; throws {@link TokenDocumentError} naming what is wrong. */
export function parseTokenDocument(text: string): TokenDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TokenDocumentError('the token document is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenDocumentError('the token document is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  if (typeof record.accessToken !== 'string' || record.accessToken.length === 0) {
    throw new TokenDocumentError('the token document has no accessToken string');
  }
  const issuedAt = parseInstant(record, 'issuedAt');
  const expiresAt = parseInstant(record, 'expiresAt');
  const refreshAt = parseInstant(record, 'refreshAt');
  if (!(issuedAt <= refreshAt && refreshAt <= expiresAt && issuedAt < expiresAt)) {
    throw new TokenDocumentError('the token document times are out of order (expected issuedAt <= refreshAt <= expiresAt)');
  }
  // No token the refresher accepts lives longer, so a longer-lived document was not written by it
  // (a hand-restored or planted value claiming an expiry of 2099 would otherwise never be replaced).
  if (expiresAt.getTime() - issuedAt.getTime() > MAX_TOKEN_LIFETIME_SECONDS * 1000) {
    throw new TokenDocumentError(
      `the token document claims a lifetime longer than ${MAX_TOKEN_LIFETIME_SECONDS / 3600} h (expiresAt - issuedAt), the longest the refresher accepts`,
    );
  }
  return { accessToken: record.accessToken, issuedAt, expiresAt, refreshAt };
}

/**
 * What is wrong with a parsed document at `now` that parsing alone cannot see, or undefined when
 * nothing is: an `issuedAt` more than {@link MAX_ISSUED_AHEAD_SECONDS} ahead.
 */
export function documentProblemAt(document: TokenDocument, now: Date): string | undefined {
  if (document.issuedAt.getTime() - now.getTime() > MAX_ISSUED_AHEAD_SECONDS * 1000) {
    return `the token document's issuedAt lies more than ${MAX_ISSUED_AHEAD_SECONDS / 60} minutes in the future`;
  }
  return undefined;
}

function parseInstant(record: Record<string, unknown>, field: 'issuedAt' | 'expiresAt' | 'refreshAt'): Date {
  const text = record[field];
  if (typeof text !== 'string' || !ISO_UTC.test(text)) {
    throw new TokenDocumentError(`the token document's ${field} is not an ISO-8601 UTC time`);
  }
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime())) {
    throw new TokenDocumentError(`the token document's ${field} is not a valid time`);
  }
  return instant;
}

/** Whole seconds of life left at `now` (0 once expired). */
export function remainingLifetimeSeconds(document: TokenDocument, now: Date): number {
  return Math.max(0, Math.floor((document.expiresAt.getTime() - now.getTime()) / 1000));
}
