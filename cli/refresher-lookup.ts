import { parseRefresherRecord, type RefresherRecord } from '../functions/contracts/refresher-record.js';
import { EGRESS_ADDRESSES_OUTPUT, parseEgressAddresses } from '../functions/contracts/stack-outputs.js';
import { DEFAULT_STACK_NAME, readStackOutputsByKey } from './aws.js';
import { CliSetupError, UsageError } from './errors.js';

/*
 * How `refresh`, `status` and `credentials` find a refresher in a deployed stack: each
 * FaspayTokenRefresher records its function, parameter and secret in a stack output
 * (infra/cli-record.ts); the command reads the stack's outputs and picks the one record that
 * `--refresher` names, or the only one.
 */

/** A refresher found in a stack, and where. */
export interface FoundRefresher {
  readonly stackName: string;
  readonly record: RefresherRecord;
  /** The addresses Faspay must whitelist, when the stack has a fixed egress (its EgressAddresses output). */
  readonly egressAddresses: readonly string[];
}

export interface RefresherRequest {
  /** `--stack` (default: the project's own stack). */
  readonly stack?: string | undefined;
  /** `--refresher`: a construct id, a path, or a token parameter name. */
  readonly refresher?: string | undefined;
  readonly region?: string | undefined;
  /** The flag that names the resource directly (`--function NAME`), offered when the stack holds no refresher. */
  readonly alternative: string;
}

/** Reads the stack's outputs and picks its refresher (one call: cloudformation:DescribeStacks). */
export async function findRefresher(request: RefresherRequest, env: Readonly<Record<string, string | undefined>>): Promise<FoundRefresher> {
  const stackName = request.stack ?? DEFAULT_STACK_NAME;
  const outputs = await readStackOutputsByKey(stackName, request.region, env);
  return {
    stackName,
    record: chooseRefresher(stackName, recordsIn(Object.values(outputs)), request),
    egressAddresses: parseEgressAddresses(outputs[EGRESS_ADDRESSES_OUTPUT] ?? ''),
  };
}

/** The refresher records among a stack's output values, in output order. */
export function recordsIn(outputValues: readonly string[]): RefresherRecord[] {
  return outputValues.map(parseRefresherRecord).filter((record) => record !== undefined);
}

/**
 * The record `request.refresher` names (its construct id, its path with or without the stack's
 * part, or its token parameter name), or the only one when it names none. Throws with the list to
 * choose from when there is no such record or more than one.
 */
export function chooseRefresher(
  stackName: string,
  records: readonly RefresherRecord[],
  request: Pick<RefresherRequest, 'refresher' | 'alternative'>,
): RefresherRecord {
  if (records.length === 0) {
    throw new CliSetupError(
      'REFRESHER_NOT_FOUND',
      `stack "${stackName}" holds no FaspayTokenRefresher: none of its outputs is the record the construct adds ` +
        `(deployed with an older version of the package? deploy again), or pass ${request.alternative}`,
    );
  }
  const wanted = request.refresher;
  const matches = wanted === undefined ? records : records.filter((record) => namesOf(record).includes(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new CliSetupError(
      'REFRESHER_NOT_FOUND',
      `stack "${stackName}" holds no refresher "${wanted}"; it holds ${listed(records)}: pass one of them to --refresher`,
    );
  }
  const how = wanted === undefined ? '' : ` named "${wanted}"`;
  // The command line must say which: exit 2, as for any incomplete command line.
  throw new CliSetupError(
    'REFRESHER_AMBIGUOUS',
    `stack "${stackName}" holds ${matches.length} refreshers${how}: ${listed(matches)}; pick one with --refresher ` +
      '(its construct id, path or token parameter name)',
  );
}

/** Everything `--refresher` may say to name this record. */
function namesOf(record: RefresherRecord): string[] {
  return [record.constructId, record.constructPath, refresherFlagValue(record), record.tokenParameterName];
}

function listed(records: readonly RefresherRecord[]): string {
  return records.map((record) => `${record.constructId} (path ${record.constructPath}, parameter ${record.tokenParameterName})`).join(', ');
}

/** `--refresher` picks among a stack's refreshers: it has nothing to pick when the resource is named directly. */
export function refuseRefresherWith(directFlag: string, args: { readonly refresher?: string | undefined }, direct: unknown): void {
  if (args.refresher !== undefined && direct !== undefined) {
    throw new UsageError(`--refresher picks one of the refreshers of --stack; ${directFlag} names the resource directly: pass one of them`);
  }
}

/** What `--refresher` says to pick exactly this record: its path within the stack (`ProductionToken`, `Team/Token`). */
export function refresherFlagValue(record: RefresherRecord): string {
  return record.constructPath.split('/').slice(1).join('/');
}

/** How a command says where a name came from: `refresher ProductionToken of stack Payments`. */
export function describeFound(found: FoundRefresher): string {
  return `refresher ${refresherFlagValue(found.record)} of stack ${found.stackName}`;
}
