import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { isLeaseStale as isStale, LEASE_CLOCK_SKEW_MS } from '../refresher/lease.js';
import type { LeaseAttempt, LeaseHolder, RefreshLease } from '../refresher/ports.js';
import { AwsAdapterError, awsErrorName } from './errors.js';

/**
 * The refresh lease as an SSM String parameter (holder id and expiry, nothing secret), so the stack
 * gains no stateful service. Acquire is a create-only PutParameter (`Overwrite: false`), which SSM
 * performs atomically; release deletes it. A stale lease (its holder crashed) is taken over with an
 * overwrite, which SSM numbers with the next version: the taker wins only when the version it
 * replaced is exactly the stale value it read (checked in the parameter's history), so of two
 * takers only one wins. A holder never outlives its lease (the lease lasts until its invocation's
 * deadline), so release needs no ownership check.
 */
export function createSsmRefreshLease(client: SSMClient, leaseName: string): RefreshLease {
  const put = async (holder: LeaseHolder, overwrite: boolean) =>
    client.send(
      new PutParameterCommand({ Name: leaseName, Value: serialize(holder), Type: 'String', Tier: 'Standard', Overwrite: overwrite }),
    );

  async function read(): Promise<{ text: string; version: number; lease: LeaseHolder } | undefined> {
    try {
      const { Parameter: parameter } = await client.send(new GetParameterCommand({ Name: leaseName }));
      if (parameter?.Value === undefined || parameter.Version === undefined) return undefined;
      return { text: parameter.Value, version: parameter.Version, lease: parse(parameter.Value) };
    } catch (error) {
      if (awsErrorName(error) === 'ParameterNotFound') return undefined;
      throw new AwsAdapterError('PARAMETER_READ_FAILED', `cannot read the refresh lease "${leaseName}"`, awsErrorName(error));
    }
  }

  async function takeOver(holder: LeaseHolder, stale: { text: string; version: number }): Promise<boolean> {
    const { Version: version } = await put(holder, true);
    if (version !== stale.version + 1) return false;
    const history = await client.send(new GetParameterHistoryCommand({ Name: leaseName, MaxResults: 50 }));
    const replaced = (history.Parameters ?? []).find((entry) => entry.Version === stale.version);
    return replaced?.Value === stale.text;
  }

  return {
    async acquire(holder, now) {
      // Two rounds: a lease released between our create and our read is simply tried again.
      for (let round = 0; round < 2; round++) {
        try {
          await put(holder, false);
          return { acquired: true };
        } catch (error) {
          if (awsErrorName(error) !== 'ParameterAlreadyExists') {
            throw new AwsAdapterError('PARAMETER_WRITE_FAILED', `cannot create the refresh lease "${leaseName}"`, awsErrorName(error));
          }
        }
        const current = await read();
        if (current === undefined) continue;
        if (!isStale(current.lease, now)) return { acquired: false, heldBy: current.lease };
        try {
          if (await takeOver(holder, current)) return { acquired: true };
        } catch (error) {
          throw new AwsAdapterError(
            'PARAMETER_WRITE_FAILED',
            `cannot take over the stale refresh lease "${leaseName}"`,
            awsErrorName(error),
          );
        }
        const winner = await read();
        return { acquired: false, heldBy: winner?.lease ?? current.lease };
      }
      return notAcquired(now);
    },
    async isHeld(now) {
      const current = await read();
      return current !== undefined && !isStale(current.lease, now);
    },
    async release() {
      try {
        await client.send(new DeleteParameterCommand({ Name: leaseName }));
      } catch (error) {
        if (awsErrorName(error) === 'ParameterNotFound') return;
        throw new AwsAdapterError('PARAMETER_WRITE_FAILED', `cannot release the refresh lease "${leaseName}"`, awsErrorName(error));
      }
    },
  };
}

function notAcquired(now: Date): LeaseAttempt {
  return { acquired: false, heldBy: { holder: 'unknown', expiresAt: new Date(now.getTime() + LEASE_CLOCK_SKEW_MS) } };
}

function serialize(lease: LeaseHolder): string {
  return JSON.stringify({ holder: lease.holder, expiresAt: lease.expiresAt.toISOString() });
}

/** An unreadable lease value counts as long expired: it can only be a crash's or a person's leftover. */
function parse(text: string): LeaseHolder {
  try {
    const value = JSON.parse(text) as { holder?: unknown; expiresAt?: unknown };
    const expiresAt = typeof value.expiresAt === 'string' ? new Date(value.expiresAt) : new Date(0);
    const holder = typeof value.holder === 'string' ? value.holder.slice(0, 80) : 'unknown';
    return { holder, expiresAt: Number.isNaN(expiresAt.getTime()) ? new Date(0) : expiresAt };
  } catch {
    return { holder: 'unknown', expiresAt: new Date(0) };
  }
}
