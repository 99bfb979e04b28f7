import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { leaseParameterName } from '../functions/contracts/settings.js';
import { EVENT_METRIC, METRIC, METRICS_NAMESPACE, SERVICE_NAME, TOKEN_PARAMETER_DIMENSION } from '../functions/contracts/telemetry.js';
import { recordForCli } from './cli-record.js';
import { checkLeaseNames } from './lease-names.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { createPlaceholderSecret } from './placeholder-secret.js';
import { REFUTED_REPORTS_PERIOD, RefresherAlarms } from './refresher-alarms.js';
import { RefresherDashboard } from './refresher-dashboard.js';
import { createRefresherFunction } from './refresher-function.js';
import { RefresherGrants } from './refresher-grants.js';
import { checkNetworkProps, type NetworkPlacement, networkOptions } from './refresher-network.js';
import { createRejectionReportRule, createSchedule } from './refresher-triggers.js';
import { warnOnShortTokenLifetimes } from './token-lifetime-warning.js';
import { credentialsSecretIdOf, type FaspayTokenRefresherProps } from './token-refresher-props.js';
import { resolveSettings } from './token-refresher-settings.js';
import { validateProps } from './validation.js';

export type { FaspayTokenRefresherProps } from './token-refresher-props.js';

/** The function's service name and metrics namespace (functions/contracts/telemetry.ts), part of the ./cdk surface. */
export { METRICS_NAMESPACE, SERVICE_NAME };

/**
 * A scheduled Lambda that keeps a valid Faspay SendMe access token in an SSM SecureString, with
 * least-privilege IAM, a dead-letter queue for undeliverable schedule events, and alarms on
 * errors, dead letters and token staleness. One stack output records its function, parameter and
 * secret for the operator CLI (`faspay-token refresh --stack S`, infra/cli-record.ts).
 *
 * Trade-off: the token parameter is created by the function, not by CloudFormation (which cannot
 * create SecureStrings), so `parameterArn` is computed from the name and consumers get access
 * through `grantRead` rather than an `ssm.IParameter`.
 */
export class FaspayTokenRefresher extends Construct implements ec2.IConnectable {
  /** The refresher function; its code is the asset prebuilt in this package (dist/assets/refresher). */
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  public readonly parameterName: string;
  public readonly parameterArn: string;
  public readonly credentialsSecret: secretsmanager.ISecret;
  public readonly tokenParameterKey?: kms.IKey;
  public readonly schedule: scheduler.Schedule;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly alarmTopic: sns.Topic;
  public readonly errorsAlarm: cloudwatch.Alarm;
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  public readonly stalenessAlarm: cloudwatch.Alarm;
  /** Fires when consumers' rejection reports are refuted repeatedly (a misconfigured consumer). */
  public readonly refutedReportsAlarm: cloudwatch.Alarm;
  /** The refresh lease's parameter (created and deleted by the function around each refresh). */
  public readonly leaseParameterArn: string;
  /** Delivers consumers' rejection reports about this parameter (default bus) to the function. */
  public readonly rejectionReportRule: events.Rule;
  /**
   * The VPC and subnets the function runs in (with `vpc`): spread it into a payout function's props
   * so that it calls SendMe from the same, whitelisted egress.
   */
  public readonly placement?: NetworkPlacement;
  /** The dashboard, unless `dashboard: false`. */
  public readonly dashboard?: RefresherDashboard;
  private readonly grants: RefresherGrants;

  constructor(scope: Construct, id: string, props: FaspayTokenRefresherProps = {}) {
    super(scope, id);
    const settings = validateProps(this, () => {
      checkNetworkProps(props);
      return resolveSettings(props);
    });
    const stack = Stack.of(this);
    this.parameterName = settings.tokenParameterName;
    const refreshers = this.node.root.node.findAll().filter((construct) => construct instanceof FaspayTokenRefresher);
    validateProps(this, () => checkLeaseNames(this, refreshers));
    this.parameterArn = parameterArnOf(stack, settings.tokenParameterName);
    this.leaseParameterArn = parameterArnOf(stack, leaseParameterName(settings.tokenParameterName));
    this.tokenParameterKey = props.tokenParameterKey;
    const createdSecret = props.credentialsSecret === undefined ? createPlaceholderSecret(this) : undefined;
    this.credentialsSecret = props.credentialsSecret ?? (createdSecret as secretsmanager.Secret);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: settings.logRetention });
    this.grants = new RefresherGrants(this, {
      parameterArn: this.parameterArn,
      leaseParameterArn: this.leaseParameterArn,
      tokenParameterKey: this.tokenParameterKey,
      credentialsSecret: this.credentialsSecret,
    });
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Faspay token refresher: its log group, the credentials secret and the token parameter only',
    });
    const { placement, ...network } = networkOptions(this, props, role);
    this.placement = placement;
    this.function = createRefresherFunction(this, {
      settings,
      role,
      network,
      logGroup: this.logGroup,
      credentialsSecret: this.credentialsSecret,
      tokenParameterKey: this.tokenParameterKey,
    });
    this.grants.grantRefresher(this.function);
    recordForCli(this, {
      functionName: this.function.functionName,
      tokenParameterName: this.parameterName,
      credentialsSecretId: credentialsSecretIdOf(this.credentialsSecret),
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const scheduled = createSchedule(this, settings.schedule, this.function, this.deadLetterQueue);
    this.schedule = scheduled.schedule;
    this.rejectionReportRule = createRejectionReportRule(this, this.function, this.parameterName);
    warnOnShortTokenLifetimes(this, settings);

    const alarms = new RefresherAlarms(this, 'Alarms', {
      function: this.function,
      deadLetterQueue: this.deadLetterQueue,
      tokenRemainingLifetime: this.metricTokenRemainingLifetime({ period: settings.stalenessPeriod }),
      stalenessThresholdSeconds: settings.stalenessThresholdSeconds,
      refutedReports: this.metricRejectionReportRefuted({ period: REFUTED_REPORTS_PERIOD }),
      ...(settings.alarmEmail === undefined ? {} : { alarmEmail: settings.alarmEmail }),
    });
    this.alarmTopic = alarms.topic;
    this.errorsAlarm = alarms.errorsAlarm;
    this.deadLetterQueueAlarm = alarms.deadLetterQueueAlarm;
    this.stalenessAlarm = alarms.stalenessAlarm;
    this.refutedReportsAlarm = alarms.refutedReportsAlarm;
    if (props.dashboard !== false) {
      this.dashboard = new RefresherDashboard(this, 'Dashboard', {
        tokenRemainingLifetime: this.metricTokenRemainingLifetime({ period: Duration.minutes(15) }),
        tokenRefreshed: this.metricTokenRefreshed({ period: Duration.hours(1) }),
        tokenRefreshFailed: this.metricTokenRefreshFailed({ period: Duration.hours(1) }),
        leaseReleaseFailed: this.metric(EVENT_METRIC.leaseReleaseFailed, { statistic: cloudwatch.Stats.SUM, period: Duration.hours(1) }),
        rejectionReportRefuted: this.metricRejectionReportRefuted({ period: Duration.hours(1) }),
        stalenessThresholdSeconds: settings.stalenessThresholdSeconds,
        logGroup: this.logGroup,
        alarms: alarms.alarmsByName,
      });
    }
    acknowledgeNagFindings({
      function: this.function,
      ...(placement === undefined ? {} : { networkRole: role }),
      scheduleRole: scheduled.role,
      deadLetterQueue: this.deadLetterQueue,
      ...(createdSecret === undefined ? {} : { createdSecret }),
    });
  }

  /**
   * Lets `grantee` use the token: ssm:GetParameter on the parameter, kms:Decrypt through SSM when a
   * customer key is configured, and secretsmanager:GetSecretValue on the credentials secret (SendMe
   * service calls are signed with the credentials too).
   *
   * @example
   * refresher.grantRead(payoutFunction);
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grants.grantRead(grantee);
  }

  /**
   * Lets `grantee` report a token that SendMe rejected: events:PutEvents on the account's default
   * bus, only with the rejection report's source and detail-type (so it can neither force a
   * refresh nor send other events). A `lambda.Function` grantee also gets the environment variable
   * that tells the consumer client where to send reports. Never grants lambda:InvokeFunction.
   *
   * @example
   * refresher.grantRead(payoutFunction);
   * refresher.grantReportRejection(payoutFunction);
   */
  public grantReportRejection(grantee: iam.IGrantable): iam.Grant {
    return this.grants.grantReportRejection(grantee);
  }

  /**
   * The function's security groups, to open a path from it (with `vpc`; throws without one, as
   * `lambda.Function.connections` does).
   */
  public get connections(): ec2.Connections {
    return this.function.connections;
  }

  /**
   * Everything a consumer that signs SendMe calls needs, in one call: `grantRead` (the token and the
   * credentials) and `grantReportRejection` (the report channel that lets a refused token heal).
   *
   * @example
   * refresher.grantConsumer(payoutFunction);
   */
  public grantConsumer(grantee: iam.IGrantable): iam.Grant {
    return this.grantRead(grantee).combine(this.grantReportRejection(grantee));
  }

  /** Remaining lifetime of the stored token after each run (0 when none is valid), Minimum. */
  public metricTokenRemainingLifetime(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METRIC.remainingLifetime, { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  /** Tokens written, Sum. */
  public metricTokenRefreshed(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METRIC.refreshed, { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Failed invocations as reported by the function, Sum. */
  public metricTokenRefreshFailed(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METRIC.failed, { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Rejection reports refuted by the function's check (SendMe accepted the reported token), Sum. */
  public metricRejectionReportRefuted(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METRIC.reportRefuted, { statistic: cloudwatch.Stats.SUM, ...props });
  }

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, [TOKEN_PARAMETER_DIMENSION]: this.parameterName },
      ...props,
    });
  }
}

function parameterArnOf(stack: Stack, name: string): string {
  return stack.formatArn({
    service: 'ssm',
    resource: 'parameter',
    resourceName: name.replace(/^\//, ''),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
