import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { readStackOutputs, withAwsClient } from './aws.js';

/**
 * The stack output listing the fixed egress addresses Faspay must whitelist (`FaspayEgress`), one
 * line such as `203.0.113.10, 203.0.113.11`. Kept equal to the key the stack writes.
 */
export const EGRESS_ADDRESSES_OUTPUT_KEY = 'EgressAddresses';

/** What the stack says about its egress: the addresses line, or that it has none (no fixed egress). */
export type EgressFinding =
  | { readonly stack: string; readonly addresses: string }
  | { readonly stack: string; readonly addresses?: undefined };

/** Longest line shown: two or three addresses fit many times over. */
const MAX_SHOWN_CHARS = 300;

/**
 * The egress addresses of a deployed stack, for a hint: undefined when the stack cannot be read
 * (the hint then goes without them; the failure it explains matters more).
 */
export async function findEgressAddresses(
  stackName: string,
  region: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<EgressFinding | undefined> {
  try {
    const outputs = await withAwsClient(CloudFormationClient, region, (client) => readStackOutputs(client, stackName, env));
    const line = outputs[EGRESS_ADDRESSES_OUTPUT_KEY]?.trim();
    return line === undefined || line === ''
      ? { stack: stackName }
      : { stack: stackName, addresses: line.length > MAX_SHOWN_CHARS ? `${line.slice(0, MAX_SHOWN_CHARS)}…` : line };
  } catch {
    return undefined;
  }
}
