import {
  createTokenDocument,
  type StoredTokenState,
  serializeTokenDocument,
  type TokenDocument,
  type TokenStore,
  tokenStateOf,
} from '../token/index.js';

/*
 * How the refresher remembers a report it cannot act on now (the token is inside the cooldown,
 * another run holds the lease, the replacement failed): it stores the reported token again with
 * `refreshAt` moved to when a replacement is allowed, so the next scheduled run at or after that
 * time finds it due (functions/token/refresh-decision.ts, replacementRequested). Consumers report a
 * version once per cooldown per container, so nothing else would remember it. The stored format
 * does not change (consumers read it), and the token itself is never touched.
 */

export type ValidState = Extract<StoredTokenState, { kind: 'valid' }>;

/**
 * Stores `state`'s token again, due at `dueAt` (whole seconds, never before it was issued). Once per
 * token and time: a document already due by then is left as it is. Resolves to what is stored.
 */
export async function rememberReport(store: TokenStore, state: ValidState, dueAt: Date, now: Date): Promise<ValidState> {
  const document = state.document;
  const refreshAt = new Date(Math.max(document.issuedAt.getTime(), Math.ceil(dueAt.getTime() / 1000) * 1000));
  if (refreshAt >= document.refreshAt) return state;
  // This write holds no lease, and `state` may be a check call old: a run that has stored a
  // replacement (or another reminder) since needs no reminder, and writing the reported token over
  // it, even for the moment before storeAgain puts it back, would let a third run buy another.
  const latest = tokenStateOf(await store.read(), now);
  if (latest.kind === 'valid' && latest.version !== state.version) return latest;
  return storeAgain(store, state, { ...document, refreshAt }, now);
}

/**
 * Gives a token that a report had made due its own schedule back (the report was refuted: SendMe
 * accepts the token), so that scheduled runs stop checking it. `refreshBeforeExpirySeconds` is the
 * policy that gave it that schedule in the first place.
 */
export async function restoreSchedule(
  store: TokenStore,
  state: ValidState,
  refreshBeforeExpirySeconds: number,
  now: Date,
): Promise<ValidState> {
  const document = state.document;
  const lifetimeSeconds = (document.expiresAt.getTime() - document.issuedAt.getTime()) / 1000;
  const natural = createTokenDocument(
    { accessToken: document.accessToken, expiresInSeconds: lifetimeSeconds },
    document.issuedAt,
    refreshBeforeExpirySeconds,
  );
  if (natural.refreshAt.getTime() === document.refreshAt.getTime()) return state;
  return storeAgain(store, state, { ...document, refreshAt: natural.refreshAt }, now);
}

/**
 * Writes `document` (the stored token with another `refreshAt`) over `state`. No lease guards this
 * write, so another run may have stored a new token between the read of `state` and this write:
 * SSM then numbers this write past the next version, and the token stored just before it, when
 * it is another one issued later, is put back on top, so no new token is ever lost to an old one.
 */
async function storeAgain(store: TokenStore, state: ValidState, document: TokenDocument, now: Date): Promise<ValidState> {
  const { version } = await store.write(serializeTokenDocument(document));
  const written: ValidState = { kind: 'valid', document, version };
  if (version === state.version + 1 || store.readVersion === undefined) return written;
  const before = tokenStateOf(await store.readVersion(version - 1), now);
  if (before.kind !== 'valid' || before.document.accessToken === document.accessToken) return written;
  if (before.document.issuedAt <= document.issuedAt) return written;
  const restored = await store.write(serializeTokenDocument(before.document));
  return { kind: 'valid', document: before.document, version: restored.version };
}
