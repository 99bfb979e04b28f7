import { SSMClient } from '@aws-sdk/client-ssm';

/*
 * The consumer's one SDK client is SSM's. Its rare other calls (the credentials secret, a rejection
 * report) are signed with that client's configuration (functions/adapters/aws-json-call.ts): a
 * payout Lambda bundled whole then carries no Secrets Manager or EventBridge client.
 */

let sharedSsmClient: SSMClient | undefined;

/** One client per container (its endpoint and region come from the SDK's own configuration). */
export function defaultSsmClient(): SSMClient {
  sharedSsmClient ??= new SSMClient({});
  return sharedSsmClient;
}

/** The SSM client each token provider reads with: its report borrows that client's region and credentials. */
const ssmClients = new WeakMap<object, SSMClient>();

export function recordSsmClient(provider: object, client: SSMClient): void {
  ssmClients.set(provider, client);
}

export function ssmClientOf(provider: object): SSMClient {
  return ssmClients.get(provider) ?? defaultSsmClient();
}
