import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { REFRESHER_RECORD_DESCRIPTION, REFRESHER_RECORD_FORMAT, type RefresherRecord } from '../functions/contracts/refresher-record.js';

/**
 * The stack output through which the operator CLI finds this refresher (`faspay-token refresh
 * --stack S`): one per construct, its value the record (functions/contracts/refresher-record.ts) as
 * a JSON string that CloudFormation resolves. Its logical id comes from the construct's path, so two
 * refreshers in one stack, or one deep in a construct tree, never collide. An output rather than
 * metadata or tags: CloudFormation resolves references in outputs only, DescribeStacks (the one
 * call the CLI already makes) returns them, and moto keeps them.
 */
export function recordForCli(
  scope: Construct,
  names: Pick<RefresherRecord, 'functionName' | 'tokenParameterName' | 'credentialsSecretId'>,
): CfnOutput {
  const record: RefresherRecord = {
    format: REFRESHER_RECORD_FORMAT,
    constructId: scope.node.id,
    constructPath: scope.node.path,
    ...names,
  };
  return new CfnOutput(scope, 'CliRecord', { value: Stack.of(scope).toJsonString(record), description: REFRESHER_RECORD_DESCRIPTION });
}
