import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE } from '../functions/contracts/rejection-report.js';
import { REJECTION_REPORT_DELIVERY, SCHEDULE_DELIVERY } from './async-invocation.js';

/*
 * What invokes the refresher: its schedule (construct ids `ScheduleRole`, `Schedule`) and the rule
 * for consumers' rejection reports (`RejectionReportRule`), created in the refresher's scope.
 */

export interface ScheduledRun {
  readonly schedule: scheduler.Schedule;
  readonly role: iam.Role;
}

export function createSchedule(
  scope: Construct,
  expression: scheduler.ScheduleExpression,
  fn: lambda.IFunction,
  deadLetterQueue: sqs.IQueue,
): ScheduledRun {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'ScheduleRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        // Scheduler assumes the role on behalf of a schedule group: ours lives in the default group.
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
        },
      },
    }),
    description: 'EventBridge Scheduler: invoke the Faspay token refresher, dead-letter to its queue',
  });
  const schedule = new scheduler.Schedule(scope, 'Schedule', {
    schedule: expression,
    description: 'Runs the Faspay SendMe token refresher; it refreshes only when the token is due',
    target: new targets.LambdaInvoke(fn, {
      role,
      input: scheduler.ScheduleTargetInput.fromObject({
        trigger: 'schedule',
        scheduledTime: scheduler.ContextAttribute.scheduledTime,
        executionId: scheduler.ContextAttribute.executionId,
      }),
      deadLetterQueue,
      // Delivery retries only (Scheduler invokes asynchronously, so function errors are not
      // retried here); an event older than one interval is superseded by the next run anyway.
      retryAttempts: SCHEDULE_DELIVERY.retryAttempts,
      maxEventAge: Duration.minutes(SCHEDULE_DELIVERY.maxEventAgeMinutes),
    }),
  });
  return { schedule, role };
}

/**
 * The rule matches only rejection reports about this refresher's parameter, from its own account. EventBridge invokes
 * asynchronously: a report that cannot be delivered within a few minutes is dropped, because
 * the consumers that still fail report again with the next version they read.
 */
export function createRejectionReportRule(scope: Construct, fn: lambda.IFunction, parameterName: string): events.Rule {
  return new events.Rule(scope, 'RejectionReportRule', {
    description: 'Consumers report a Faspay token SendMe rejected; the refresher replaces it',
    eventPattern: {
      // Only this account's consumers: the default bus can also receive events other accounts are allowed to put.
      account: [Stack.of(scope).account],
      source: [REJECTION_REPORT_SOURCE],
      detailType: [REJECTION_REPORT_DETAIL_TYPE],
      detail: { parameterName: [parameterName] },
    },
    targets: [
      new eventsTargets.LambdaFunction(fn, {
        retryAttempts: REJECTION_REPORT_DELIVERY.retryAttempts,
        maxEventAge: Duration.minutes(REJECTION_REPORT_DELIVERY.maxEventAgeMinutes),
      }),
    ],
  });
}
