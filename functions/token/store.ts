import { type StoredTokenState, tokenStateOf } from './refresh-decision.js';

/*
 * The token store's ports: where the token document lives. The refresher reads and writes it, the
 * consumer only reads it; both depend on these declarations, never on each other. The SSM adapter
 * (functions/adapters/parameter-store.ts) implements them; tests and local runs plug in a store in memory.
 */

/** The raw stored value with its metadata; parsing it is the caller's business. */
export interface StoredRecord {
  readonly value: string;
  readonly version: number;
  readonly lastModified?: Date;
  /** How the store keeps the value (SSM: `SecureString`, or `String` when someone created it by hand). */
  readonly storageType?: string;
}

/** The read half of the token store: all a consumer needs. */
export interface TokenSource {
  /** The current value, or undefined when nothing is stored yet. */
  read(): Promise<StoredRecord | undefined>;
}

/** Where the token document lives. */
export interface TokenStore extends TokenSource {
  /** Replaces the value; resolves to the new version. */
  write(value: string): Promise<{ version: number }>;
  /**
   * One earlier version, or undefined when the store no longer has it: how a write that re-stores
   * the same token (functions/refresher/remembered-reports.ts) finds a token another run stored
   * just before it, to put that one back on top. Optional: a store without history skips that repair.
   */
  readVersion?(version: number): Promise<StoredRecord | undefined>;
}

/** The one way the refresher and the CLI read the stored token: the record, parsed and checked at `now`. */
export async function readTokenState(store: TokenSource, now: Date): Promise<StoredTokenState> {
  return tokenStateOf(await store.read(), now);
}
