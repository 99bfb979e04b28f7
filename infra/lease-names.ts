import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { leaseParameterName } from '../functions/contracts/settings.js';
import { ConfigError } from '../functions/shared/config-error.js';

/** A construct that keeps a token in a parameter and its refresh lease beside it (`<name>.lease`). */
export interface TokenParameterOwner extends IConstruct {
  readonly parameterName: string;
}

/**
 * Refuses a refresher whose token parameter is another refresher's lease, or whose lease is the
 * other's token (`x` and `x.lease`), anywhere in the app: each refresher creates, takes over and
 * deletes its lease around every refresh, and its role may delete that exact name, so the pair
 * would refuse each other at run time (LEASE_NAME_TAKEN) at best. Refreshers whose stacks are bound
 * to different accounts or regions cannot meet and are left alone.
 */
export function checkLeaseNames(self: TokenParameterOwner, others: readonly TokenParameterOwner[]): void {
  for (const other of others) {
    if (other === self || !mayShareParameters(Stack.of(self), Stack.of(other))) continue;
    const [token, lease] =
      other.parameterName === leaseParameterName(self.parameterName)
        ? [other, self]
        : self.parameterName === leaseParameterName(other.parameterName)
          ? [self, other]
          : [];
    if (token === undefined || lease === undefined) continue;
    throw new ConfigError(
      `tokenParameterName "${token.parameterName}" of ${token.node.path} is the refresh lease of ${lease.node.path} ` +
        `(tokenParameterName "${lease.parameterName}"), which creates and deletes "${token.parameterName}" around every refresh: ` +
        'give one of them a token parameter name that is not the other name plus ".lease"',
    );
  }
}

/** Whether two stacks may deploy to one account and region (an environment-agnostic stack may go anywhere). */
function mayShareParameters(a: Stack, b: Stack): boolean {
  const differ = (x: string, y: string) => !Token.isUnresolved(x) && !Token.isUnresolved(y) && x !== y;
  return !differ(a.account, b.account) && !differ(a.region, b.region);
}
