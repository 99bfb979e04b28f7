/**
 * The ports of the refresher's use case: what it needs from the outside world, declared here so
 * that dependencies point inward. The adapters (functions/adapters) implement them; tests, the
 * local CLI and the long-run simulation plug in their own.
 */
import type { FaspayCredentials, FaspaySigner, TokenGrant } from '../faspay/index.js';

/** The raw stored value with its metadata; parsing it is the caller's business. */
export interface StoredRecord {
  readonly value: string;
  readonly version: number;
  readonly lastModified?: Date;
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
}

/** Where the refresher gets the Faspay credentials from. */
export interface CredentialsSource {
  load(): Promise<FaspayCredentials>;
}

/** One token request attempt (retries are the use case's policy). */
export interface FaspayTokenClient {
  requestToken(signer: FaspaySigner, requestedAt: Date, timeoutMs: number): Promise<TokenGrant>;
}

/** Who holds the refresh lease and until when. */
export interface LeaseHolder {
  readonly holder: string;
  readonly expiresAt: Date;
}

export type LeaseAttempt = { readonly acquired: true } | { readonly acquired: false; readonly heldBy: LeaseHolder };

/**
 * One refresh at a time per token parameter, across containers. `acquire` is atomic: of two
 * callers, at most one gets the lease; a lease whose holder is past its expiry (a crashed run)
 * can be taken over, by one caller only.
 */
export interface RefreshLease {
  acquire(holder: LeaseHolder, now: Date): Promise<LeaseAttempt>;
  /** Whether a lease is held (and not stale) at `now`. */
  isHeld(now: Date): Promise<boolean>;
  /** Gives the lease up; called by its holder after the write. */
  release(holder: string): Promise<void>;
}
