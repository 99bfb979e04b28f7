/**
 * The ports of the refresher's use case beyond the token store (functions/token/store.ts): what it
 * needs from the outside world, declared here so that dependencies point inward. The adapters
 * (functions/adapters) implement them; tests, the local CLI and the soak run plug in their own.
 */
import type { TokenGrant } from '../token/index.js';

/**
 * Where tokens come from. The adapter owns the protocol: the credentials, the signing and the wire
 * format (Faspay SendMe: functions/adapters/faspay-token-issuer.ts). A second protocol is a second
 * adapter; the use case only asks for tokens, and decides when and how often.
 */
export interface TokenIssuer {
  /**
   * Starts one run's token requests. What signing needs (the credentials) is loaded here, once per
   * run, so that a rotated secret is used by the next run and retries do not read it again.
   */
  open(): Promise<TokenRequests>;
}

export interface TokenRequests {
  /**
   * One token request, sent at `requestedAt` and given up after `timeoutMs`. Rejects with a coded
   * error whose `retryable` says whether another attempt can succeed (retries are the use case's policy).
   */
  request(requestedAt: Date, timeoutMs: number): Promise<TokenGrant>;
  /**
   * Asks the service whether it still accepts `accessToken`, with one read-only call of the
   * refresher's own (at `at`, given up after `timeoutMs`), before a token is bought on a consumer's
   * report. Resolves `inconclusive` when the call itself fails (network, timeout, 5xx): the report
   * then stands. Absent when the check is turned off.
   */
  readonly check?: (accessToken: string, at: Date, timeoutMs: number) => Promise<TokenCheck>;
}

/** What the service said about a stored token: it accepts it, refuses it, or the call did not tell. */
export type TokenCheck = 'accepted' | 'refused' | 'inconclusive';

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
