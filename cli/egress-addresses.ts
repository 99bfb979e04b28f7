import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EGRESS_ADDRESSES_OUTPUT, parseEgressAddresses } from '../functions/contracts/stack-outputs.js';
import { readStackOutputs, withAwsClient } from './aws.js';

/** What the stack says about its egress: the addresses line, or that it has none (no fixed egress). */
export type EgressFinding =
  | { readonly stack: string; readonly addresses: string }
  | { readonly stack: string; readonly addresses?: undefined };

/** More addresses than any egress has NAT gateways: a longer list is not shown in full. */
const MAX_SHOWN_ADDRESSES = 6;

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
    const addresses = parseEgressAddresses(outputs[EGRESS_ADDRESSES_OUTPUT] ?? '');
    if (addresses.length === 0) return { stack: stackName };
    const shown = addresses.slice(0, MAX_SHOWN_ADDRESSES).join(', ');
    return { stack: stackName, addresses: addresses.length > MAX_SHOWN_ADDRESSES ? `${shown}, …` : shown };
  } catch {
    return undefined;
  }
}
