import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface RefresherAlarmsProps {
  readonly function: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  /** Minimum of TokenRemainingLifetime over the staleness window. */
  readonly tokenRemainingLifetime: cloudwatch.IMetric;
  readonly stalenessThresholdSeconds: number;
  /** Rejection reports refuted by the function's own check (RejectionReportRefuted), Sum. */
  readonly refutedReports: cloudwatch.IMetric;
  /** @default - no email subscription */
  readonly alarmEmail?: string;
}

const CLOUDWATCH = new iam.ServicePrincipal('cloudwatch.amazonaws.com');

/** Refuted reports within the refuted-reports alarm's period (one hour) that fire it. */
export const REFUTED_REPORTS_THRESHOLD = 2;
export const REFUTED_REPORTS_PERIOD = Duration.hours(1);

/**
 * The refresher's alarms and the encrypted SNS topic they notify (on ALARM and back to OK).
 * The topic uses a dedicated customer managed key because CloudWatch cannot publish to a topic
 * encrypted with the AWS managed key alias/aws/sns (its key policy cannot be changed).
 */
export class RefresherAlarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly errorsAlarm: cloudwatch.Alarm;
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  public readonly stalenessAlarm: cloudwatch.Alarm;
  public readonly refutedReportsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RefresherAlarmsProps) {
    super(scope, id);
    this.topic = this.createTopic();
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    this.errorsAlarm = new cloudwatch.Alarm(this, 'Errors', {
      metric: props.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The Faspay token refresher failed (error, timeout or configuration). The stored token was kept (made due when the failure may have revoked it). ' +
        'Read the function\'s log group for the error code, fix the cause, then invoke it with {"force": true}.',
    });
    this.deadLetterQueueAlarm = new cloudwatch.Alarm(this, 'DeadLetters', {
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'EventBridge Scheduler could not deliver a run to the Faspay token refresher (for example throttling or a ' +
        'missing permission). Inspect the messages in the dead-letter queue, fix the cause, then purge the queue.',
    });
    this.stalenessAlarm = new cloudwatch.Alarm(this, 'Staleness', {
      metric: props.tokenRemainingLifetime,
      threshold: props.stalenessThresholdSeconds,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No report at all (schedule disabled, function never ran or crashed before flushing) is as bad
      // as a short-lived token.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription:
        `The stored Faspay SendMe token has less than ${props.stalenessThresholdSeconds} s left, or the refresher ` +
        'reported nothing in the alarm window. Consumers will soon fail. Check the Errors alarm and the function logs; ' +
        'after a fresh deploy, fill the credentials secret and invoke the function with {"force": true}.',
    });

    this.refutedReportsAlarm = new cloudwatch.Alarm(this, 'RefutedReports', {
      metric: props.refutedReports,
      // One refuted report can be a race with a replacement; a second within the hour is a consumer that keeps failing.
      threshold: REFUTED_REPORTS_THRESHOLD,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        "Consumers keep reporting the Faspay token rejected while SendMe accepts it on the refresher's own check: " +
        'some consumer is misconfigured (its clock, time zone or Faspay credentials) and fails every call. No token was ' +
        'bought for these reports. Find the consumer whose calls SendMe answers Unauthorized and fix its settings.',
    });

    const action = new cloudwatchActions.SnsAction(this.topic);
    for (const alarm of [this.errorsAlarm, this.deadLetterQueueAlarm, this.stalenessAlarm, this.refutedReportsAlarm]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  private createTopic(): sns.Topic {
    const stack = Stack.of(this);
    // Only alarms of this account may make CloudWatch use the key or publish (confused deputy).
    const alarmsOfThisAccount = {
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
      StringEquals: { 'aws:SourceAccount': stack.account },
    };
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the Faspay token refresher alarm topic',
      enableKeyRotation: true,
      // Nothing durable is encrypted with it (SNS messages are transient).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheTopic',
        principals: [CLOUDWATCH],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: alarmsOfThisAccount,
      }),
    );
    const topic = new sns.Topic(this, 'Topic', {
      displayName: 'Faspay token refresher alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch alarms of this account need an explicit grant.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [CLOUDWATCH],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: alarmsOfThisAccount,
      }),
    );
    return topic;
  }
}
