import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * cdk-nag (AwsSolutions) findings this construct accepts on purpose. Each acknowledgement sits on
 * the one resource concerned, names one finding (a wildcard finding is acknowledged for its exact
 * resource string) and says why. cdk-nag 3 reads CDK's own `Validations.acknowledge` records.
 */
export interface NagSubjects {
  readonly function: lambda.Function;
  readonly scheduleRole: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  /** Only when the function runs in a VPC: the role that holds the ENI actions. */
  readonly networkRole?: iam.Role;
  /** Only when the construct created the secret. */
  readonly createdSecret?: secretsmanager.Secret;
}

export function acknowledgeNagFindings(subjects: NagSubjects): void {
  const functionLogicalId = Stack.of(subjects.function).getLogicalId(subjects.function.node.defaultChild as CfnElement);
  Validations.of(subjects.scheduleRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
    reason:
      'Added by aws-scheduler-targets LambdaInvoke (Function.grantInvoke): lambda:InvokeFunction on this one ' +
      'function and its versions/aliases (ARN:*). No other function is reachable.',
  });
  Validations.of(subjects.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'The runtime is pinned to nodejs22.x on purpose: the bundle targets node22 and the tests run that build. ' +
      'Moving to a newer runtime is a deliberate, tested change, not an automatic one.',
  });
  Validations.of(subjects.deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the EventBridge Scheduler target; it alarms on any visible message.',
  });
  if (subjects.networkRole !== undefined) acknowledgeNetworkInterfaceActions(subjects.networkRole);
  if (subjects.createdSecret !== undefined) {
    Validations.of(subjects.createdSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Faspay issues these credentials in its merchant dashboard; no API exists for a rotation Lambda to ' +
        'rotate them. Operators replace the value with put-secret-value when Faspay reissues them.',
    });
  }
}

/** The role of a function in a VPC holds the ENI actions on `*` (infra/refresher-network.ts). */
export function acknowledgeNetworkInterfaceActions(role: iam.Role): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only the six EC2 network-interface actions of AWSLambdaVPCAccessExecutionRole (its log permissions left out), ' +
      "which Lambda uses to manage the function's VPC network interfaces: Lambda checks them on every resource when " +
      'it creates the function, and the Describe actions have no resource-level permissions.',
  });
}
