/**
 * The tokens a Faspay stand-in has issued and whether each one is still accepted. In "revoke on
 * issue" mode a new token revokes every earlier one: Faspay does not document whether it does, and
 * a refresher must stay correct if it does (issue 11).
 */
export interface TokenLedger {
  /** Records a new token valid for `lifetimeSeconds` (revoking the others in revoke-on-issue mode). */
  issue(token: string, lifetimeSeconds: number): void;
  /** Why `token` is refused, or undefined when it is accepted. */
  problemWith(token: string): string | undefined;
  /** Faspay's own expiry of a token it issued (revoked or not). */
  expiryOf(token: string): number | undefined;
  /** Tokens issued and not revoked (expired ones included). */
  size(): number;
  revokeAll(): void;
  readonly revokeOnIssue: boolean;
  setRevokeOnIssue(on: boolean): void;
}

export function createTokenLedger(options: { readonly now: () => number; readonly revokeOnIssue?: boolean }): TokenLedger {
  const live = new Map<string, number>();
  const everIssued = new Map<string, number>();
  let revokeOnIssue = options.revokeOnIssue ?? false;
  return {
    issue(token, lifetimeSeconds) {
      if (revokeOnIssue) live.clear();
      const expiresAtMs = options.now() + lifetimeSeconds * 1000;
      live.set(token, expiresAtMs);
      everIssued.set(token, expiresAtMs);
    },
    problemWith(token) {
      const expiresAtMs = live.get(token);
      if (expiresAtMs === undefined)
        return everIssued.has(token) ? 'access token was revoked' : 'access token was not issued by this server';
      return expiresAtMs <= options.now() ? 'access token has expired' : undefined;
    },
    expiryOf: (token) => everIssued.get(token),
    size: () => live.size,
    revokeAll: () => live.clear(),
    get revokeOnIssue() {
      return revokeOnIssue;
    },
    setRevokeOnIssue(on) {
      revokeOnIssue = on;
    },
  };
}
