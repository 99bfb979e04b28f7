import { EGRESS_ADDRESSES_OUTPUT } from '../functions/contracts/stack-outputs.js';
import { type EgressFinding, findEgressAddresses } from './egress-addresses.js';
import { RefresherFunctionError } from './errors.js';

/** The probe, which settles the credentials and the signed path against Faspay itself (docs/operate.md). */
const PROBE = 'npm run cli -- probe --faspay-url URL --credentials FILE';

/**
 * When the deployed function's token request was answered Unauthorized, looks up what the stack
 * says about its egress addresses (best effort) so that the hint can show them. Returns the error.
 */
export async function withEgressFinding(
  error: unknown,
  stackName: string | undefined,
  region: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<unknown> {
  if (stackName === undefined || !(error instanceof RefresherFunctionError) || error.functionErrorCode !== 'FASPAY_UNAUTHORIZED') {
    return error;
  }
  const egress = await findEgressAddresses(stackName, region, env);
  if (egress !== undefined) error.egress = egress;
  return error;
}

/**
 * Faspay refused the deployed function's token request: the three causes, most likely first. Each
 * says how to settle it; the third shows the addresses to whitelist when the stack lists them.
 */
export function unauthorizedHint(egress: EgressFinding | undefined): string {
  return [
    'Faspay answered Unauthorized. Check, in order:',
    '(1) the credentials: every key of the secret against the merchant dashboard (replace them with npm run cli -- credentials --stack NAME --credentials FILE);',
    `(2) the signed path: ${PROBE} tries each variant and prints the signedPath setting to deploy;`,
    `(3) the egress address: Faspay refuses calls from addresses it has not whitelisted; ${egressAdvice(egress)}`,
  ].join(' ');
}

function egressAdvice(egress: EgressFinding | undefined): string {
  if (egress === undefined)
    return `the stack output ${EGRESS_ADDRESSES_OUTPUT} lists the addresses to whitelist (pass --stack NAME to show them here)`;
  if (egress.addresses !== undefined) {
    return `the function calls from ${egress.addresses} (output ${EGRESS_ADDRESSES_OUTPUT} of stack ${egress.stack}): Faspay must have whitelisted exactly these`;
  }
  return `stack ${egress.stack} has no ${EGRESS_ADDRESSES_OUTPUT} output, so the function calls from addresses that change: give it a fixed egress (FaspayEgress) and have Faspay whitelist those`;
}
