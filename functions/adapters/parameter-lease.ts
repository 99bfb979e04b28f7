import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { isLeaseStale as isStale, LEASE_CLOCK_SKEW_MS } from '../refresher/lease.js';
import type { LeaseAttempt, LeaseHolder, RefreshLease } from '../refresher/ports.js';
import { awsCallFailed, awsErrorName, LeaseNameTakenError } from './errors.js';

/**
 * What the lease parameter holds: its holder, its deadline and, when it was written by a takeover,
 * the version and holder it replaced (`takes`). Never anything secret.
 */
interface LeaseDocument extends LeaseHolder {
  readonly takes?: { readonly version: number; readonly holder: string };
}

/** One stored version of the lease parameter. */
interface LeaseVersion {
  readonly version: number;
  readonly document: LeaseDocument;
}

/**
 * How many losing takeovers a reader looks through (each costs one GetParameter). Losers are the
 * takers that raced one winner, a handful at most; past this, the top value itself is honoured,
 * which still ends at its own deadline.
 */
const MAX_LOSERS_SEEN_THROUGH = 8;

/**
 * The refresh lease as an SSM String parameter beside the token, so the stack gains no stateful
 * service. Why this design: SSM has no conditional write (PutParameter cannot say "only if the
 * version is still N") and DeleteParameter is unconditional, so the only atomic steps are a
 * create-only put (`Overwrite: false`) and the version number SSM gives each overwrite.
 *
 * - Acquire is a create-only put: of two callers, one gets ParameterAlreadyExists.
 * - A stale lease (its holder crashed) is taken over with an overwrite whose document names the
 *   version and holder it replaces. The taker wins when SSM numbered its overwrite exactly that
 *   version + 1 and that version, read back with the `name:version` selector, is still that holder
 *   (holder ids are random); or when its overwrite is version 1 (the lease was released meanwhile,
 *   so the put created it). One GetParameter decides at any history length; GetParameterHistory
 *   would page from the oldest of up to 100 versions.
 * - A losing overwrite cannot be undone safely (a delete or a second overwrite could hit a newer
 *   holder), so it stays on top, and every reader applies the same rule: a takeover document that
 *   lost is looked through to the version below it. A loser's value never counts as a lease, and the
 *   holder's release deletes it with the parameter.
 * - A value that is not a lease document (a SecureString, another application's value, a token) is
 *   never overwritten or deleted: the lease fails with LEASE_NAME_TAKEN instead. (The check is the
 *   read just before the write; SSM cannot make them one step, which is why synth also refuses a
 *   token parameter named as another refresher's lease.)
 * - Release deletes the parameter only while the lease (as every reader sees it) is its own.
 */
export function createSsmRefreshLease(client: SSMClient, leaseName: string): RefreshLease {
  const put = (document: LeaseDocument, overwrite: boolean) =>
    client.send(
      new PutParameterCommand({ Name: leaseName, Value: serialize(document), Type: 'String', Tier: 'Standard', Overwrite: overwrite }),
    );

  /** The current version, or one earlier version; undefined when there is none. */
  async function read(version?: number): Promise<LeaseVersion | undefined> {
    let parameter: { Type?: string; Value?: string; Version?: number } | undefined;
    try {
      const name = version === undefined ? leaseName : `${leaseName}:${version}`;
      parameter = (await client.send(new GetParameterCommand({ Name: name }))).Parameter;
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'ParameterNotFound' || name === 'ParameterVersionNotFound') return undefined;
      throw awsCallFailed('PARAMETER_READ_FAILED', `cannot read the refresh lease "${leaseName}"`, error);
    }
    if (parameter?.Version === undefined) return undefined;
    const document = parameter.Type === 'String' && parameter.Value !== undefined ? parse(parameter.Value) : undefined;
    if (document === undefined) throw new LeaseNameTakenError(leaseName, parameter.Type ?? 'unknown');
    return { version: parameter.Version, document };
  }

  /** Whether the writer of this version holds (or held) the lease by the rules above. */
  async function won({ version, document }: LeaseVersion): Promise<boolean> {
    // Without `takes`: a create (version 1), or a takeover by a release before `takes` existed, honoured.
    if (version === 1 || document.takes === undefined) return true;
    if (document.takes.version !== version - 1) return false;
    return (await read(document.takes.version))?.document.holder === document.takes.holder;
  }

  /** The lease in force under `top`: its holder and deadline, or undefined when none is. */
  async function inForce(top: LeaseVersion): Promise<LeaseHolder | undefined> {
    let current: LeaseVersion | undefined = top;
    for (let seen = 0; current !== undefined && seen <= MAX_LOSERS_SEEN_THROUGH; seen++) {
      if (await won(current)) return holderOf(current.document);
      current = current.version > 1 ? await read(current.version - 1) : undefined;
    }
    return current === undefined ? undefined : holderOf(top.document);
  }

  async function takeOver(holder: LeaseHolder, top: LeaseVersion): Promise<boolean> {
    const document: LeaseDocument = { ...holder, takes: { version: top.version, holder: top.document.holder } };
    let version: number | undefined;
    try {
      version = (await put(document, true)).Version;
    } catch (error) {
      throw awsCallFailed('PARAMETER_WRITE_FAILED', `cannot take over the stale refresh lease "${leaseName}"`, error);
    }
    return version !== undefined && won({ version, document });
  }

  return {
    async acquire(holder, now) {
      // Two rounds: a lease released between our create and our read is simply tried again.
      for (let round = 0; round < 2; round++) {
        try {
          await put(holderOf(holder), false);
          return { acquired: true };
        } catch (error) {
          if (awsErrorName(error) !== 'ParameterAlreadyExists') {
            throw awsCallFailed('PARAMETER_WRITE_FAILED', `cannot create the refresh lease "${leaseName}"`, error);
          }
        }
        const top = await read();
        if (top === undefined) continue;
        const current = await inForce(top);
        if (current !== undefined && !isStale(current, now)) return { acquired: false, heldBy: current };
        if (await takeOver(holder, top)) return { acquired: true };
        const after = await read();
        const winner = after === undefined ? undefined : await inForce(after);
        return winner === undefined ? notAcquired(now) : { acquired: false, heldBy: winner };
      }
      return notAcquired(now);
    },
    async isHeld(now) {
      const top = await read();
      const current = top === undefined ? undefined : await inForce(top);
      return current !== undefined && !isStale(current, now);
    },
    async release(holder) {
      const top = await read();
      if (top === undefined || (await inForce(top))?.holder !== holder) return;
      try {
        await client.send(new DeleteParameterCommand({ Name: leaseName }));
      } catch (error) {
        if (awsErrorName(error) === 'ParameterNotFound') return;
        throw awsCallFailed('PARAMETER_WRITE_FAILED', `cannot release the refresh lease "${leaseName}"`, error);
      }
    },
  };
}

function notAcquired(now: Date): LeaseAttempt {
  return { acquired: false, heldBy: { holder: 'unknown', expiresAt: new Date(now.getTime() + LEASE_CLOCK_SKEW_MS) } };
}

function holderOf(document: LeaseHolder): LeaseHolder {
  return { holder: document.holder, expiresAt: document.expiresAt };
}

function serialize(document: LeaseDocument): string {
  return JSON.stringify({
    holder: document.holder,
    expiresAt: document.expiresAt.toISOString(),
    ...(document.takes === undefined ? {} : { takes: document.takes }),
  });
}

const LEASE_KEYS = new Set(['holder', 'expiresAt', 'takes']);
const HOLDER_PATTERN = /^[\w.:-]{1,100}$/;

/**
 * A lease document, or undefined for any other value: only a value of exactly this shape was
 * written by a refresher's lease, so only such a value may be taken over or deleted.
 */
function parse(text: string): LeaseDocument | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { holder, expiresAt, takes } = value as Record<string, unknown>;
  if (!Object.keys(value).every((key) => LEASE_KEYS.has(key))) return undefined;
  if (typeof holder !== 'string' || !HOLDER_PATTERN.test(holder) || typeof expiresAt !== 'string') return undefined;
  const deadline = new Date(expiresAt);
  if (Number.isNaN(deadline.getTime())) return undefined;
  if (takes === undefined) return { holder, expiresAt: deadline };
  const taken = takes as { version?: unknown; holder?: unknown } | null;
  if (typeof taken !== 'object' || taken === null) return undefined;
  const { version, holder: replaced } = taken;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) return undefined;
  if (typeof replaced !== 'string' || !HOLDER_PATTERN.test(replaced)) return undefined;
  return { holder, expiresAt: deadline, takes: { version, holder: replaced } };
}
