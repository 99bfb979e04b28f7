import { REFRESHER_RECORD_FORMAT, type RefresherRecord } from '../../functions/contracts/refresher-record.js';

/**
 * A refresher's record as the construct writes it into a stack output (infra/cli-record.ts), for a
 * construct `id` at the top of stack `stack`; its names follow from the id unless given.
 */
export function refresherRecord(stack: string, id: string, names: Partial<RefresherRecord> = {}): RefresherRecord {
  return {
    format: REFRESHER_RECORD_FORMAT,
    constructId: id,
    constructPath: `${stack}/${id}`,
    functionName: `${stack}-${id}Function-abc123`,
    tokenParameterName: `/${stack.toLowerCase()}/${id.toLowerCase()}/access-token`,
    credentialsSecretId: `${stack.toLowerCase()}/${id.toLowerCase()}/credentials`,
    ...names,
  };
}

/** The output value that holds `record`, as DescribeStacks returns it. */
export const recordOutput = (record: RefresherRecord): string => JSON.stringify(record);
