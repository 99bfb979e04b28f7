import { createFaspayTokenIssuer } from '../../functions/adapters/faspay-token-issuer.js';
import { staticCredentialsSource } from '../../functions/adapters/secrets.js';
import type { FaspayCredentials } from '../../functions/faspay/index.js';
import type { TokenGrant } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';

/** One real token request through the refresher's own Faspay adapter (what an outside system does too). */
export async function requestToken(
  url: string,
  options: { readonly credentials?: FaspayCredentials; readonly requestedAt?: Date; readonly timeoutMs?: number } = {},
): Promise<TokenGrant> {
  const issuer = createFaspayTokenIssuer({
    credentials: staticCredentialsSource(options.credentials ?? DEMO_CREDENTIALS),
    baseUrl: new URL(url),
  });
  return (await issuer.open()).request(options.requestedAt ?? new Date(), options.timeoutMs ?? 3000);
}
