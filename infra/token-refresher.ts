import { ArnFormat, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  REJECTION_REPORT_BUS_ENV,
  REJECTION_REPORT_DETAIL_TYPE,
  REJECTION_REPORT_SOURCE,
} from '../functions/contracts/rejection-report.js';
import { leaseParameterName, renderRefresherEnvironment } from '../functions/contracts/settings.js';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME, TOKEN_PARAMETER_DIMENSION } from '../functions/contracts/telemetry.js';
import { LAMBDA_RUNTIME, lambdaAssetCode } from './bundling.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { RefresherAlarms } from './refresher-alarms.js';
import { derivedSettings } from './setting-entries.js';
import { warnOnShortTokenLifetimes } from './token-lifetime-warning.js';
import { type FaspayTokenRefresherProps, FUNCTION_SETTINGS } from './token-refresher-props.js';
import { type RefresherSettings, resolveSettings } from './token-refresher-settings.js';
import { validateProps } from './validation.js';

export type { FaspayTokenRefresherProps } from './token-refresher-props.js';

/** The function's service name and metrics namespace (functions/contracts/telemetry.ts), part of the ./cdk surface. */
export { METRICS_NAMESPACE, SERVICE_NAME };

/*
 * The created secret's template, frozen. CloudFormation updates a resource only when its template
 * properties change, so while these two strings stay byte for byte the same, no deploy touches the
 * credentials an operator put in (test/infra/self-healing.test.ts pins them; docs/self-healing.md).
 * They are literals on purpose, not derived from CREDENTIAL_KEYS: a new credential key must not
 * reset every filled secret on the next deploy.
 */
const PLACEHOLDER_SECRET_VALUE =
  '{"faspay_key":"","faspay_secret":"","app_key":"","app_secret":"","client_key":"","client_secret":"","iv":""}';
const PLACEHOLDER_SECRET_DESCRIPTION =
  'Faspay SendMe credentials for the token refresher. Created with empty placeholders: fill it with ' +
  'aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string ' +
  `'{"faspay_key":"...","faspay_secret":"...","app_key":"...","app_secret":"...","client_key":"...","client_secret":"...","iv":"..."}' (see docs/deploy.md, step 3).`;

/**
 * A scheduled Lambda that keeps a valid Faspay SendMe access token in an SSM SecureString, with
 * least-privilege IAM, a dead-letter queue for undeliverable schedule events, and alarms on
 * errors, dead letters and token staleness.
 *
 * Trade-off: the token parameter is created by the function, not by CloudFormation (which cannot
 * create SecureStrings), so `parameterArn` is computed from the name and consumers get access
 * through `grantRead` rather than an `ssm.IParameter`.
 */
export class FaspayTokenRefresher extends Construct {
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
  /** The refresh lease's parameter (created and deleted by the function around each refresh). */
  public readonly leaseParameterArn: string;
  /** Delivers consumers' rejection reports about this parameter (default bus) to the function. */
  public readonly rejectionReportRule: events.Rule;

  constructor(scope: Construct, id: string, props: FaspayTokenRefresherProps = {}) {
    super(scope, id);
    const settings = validateProps(this, () => resolveSettings(props));
    const stack = Stack.of(this);
    this.parameterName = settings.tokenParameterName;
    this.parameterArn = parameterArnOf(stack, settings.tokenParameterName);
    this.leaseParameterArn = parameterArnOf(stack, leaseParameterName(settings.tokenParameterName));
    this.tokenParameterKey = props.tokenParameterKey;
    const createdSecret = props.credentialsSecret === undefined ? this.createPlaceholderSecret() : undefined;
    this.credentialsSecret = props.credentialsSecret ?? (createdSecret as secretsmanager.Secret);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: settings.logRetention });
    this.function = this.createFunction(settings);
    this.grantRefresherAccess(this.function);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const scheduleRole = this.createScheduleRole();
    this.schedule = this.createSchedule(settings, scheduleRole);
    this.rejectionReportRule = this.createRejectionReportRule();
    warnOnShortTokenLifetimes(this, settings);

    const alarms = new RefresherAlarms(this, 'Alarms', {
      function: this.function,
      deadLetterQueue: this.deadLetterQueue,
      tokenRemainingLifetime: this.metricTokenRemainingLifetime({ period: settings.stalenessPeriod }),
      stalenessThresholdSeconds: settings.stalenessThresholdSeconds,
      ...(settings.alarmEmail === undefined ? {} : { alarmEmail: settings.alarmEmail }),
    });
    this.alarmTopic = alarms.topic;
    this.errorsAlarm = alarms.errorsAlarm;
    this.deadLetterQueueAlarm = alarms.deadLetterQueueAlarm;
    this.stalenessAlarm = alarms.stalenessAlarm;
    acknowledgeNagFindings({
      function: this.function,
      scheduleRole,
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
    const parameter = iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter'], resourceArns: [this.parameterArn] });
    const key = this.grantTokenKey(grantee, ['kms:Decrypt']);
    const combined = key === undefined ? parameter : parameter.combine(key);
    return combined.combine(this.grantCredentialsRead(grantee));
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
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [defaultEventBusArn(Stack.of(this))],
      conditions: {
        StringEquals: { 'events:source': REJECTION_REPORT_SOURCE, 'events:detail-type': REJECTION_REPORT_DETAIL_TYPE },
      },
    });
    if (grantee instanceof lambda.Function) grantee.addEnvironment(REJECTION_REPORT_BUS_ENV, 'default');
    return grant;
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

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, [TOKEN_PARAMETER_DIMENSION]: this.parameterName },
      ...props,
    });
  }

  private createPlaceholderSecret(): secretsmanager.Secret {
    return new secretsmanager.Secret(this, 'CredentialsSecret', {
      description: PLACEHOLDER_SECRET_DESCRIPTION,
      secretStringValue: SecretValue.unsafePlainText(PLACEHOLDER_SECRET_VALUE),
      // Credentials typed in by an operator must survive an accidental stack deletion.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createFunction(settings: RefresherSettings): lambda.Function {
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Faspay token refresher: its log group, the credentials secret and the token parameter only',
    });
    this.logGroup.grantWrite(role);
    return new lambda.Function(this, 'Function', {
      ...LAMBDA_RUNTIME,
      code: lambdaAssetCode('refresher'),
      memorySize: 256,
      timeout: settings.functionTimeout,
      role,
      logGroup: this.logGroup,
      description: 'Keeps a valid Faspay SendMe access token in SSM Parameter Store',
      ...(settings.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: settings.reservedConcurrency }),
      // The function already retries transient Faspay failures itself, and the schedule runs again
      // long before the token expires (refreshBeforeExpiry > interval): a Lambda-level retry would only
      // repeat a persistent failure (for example bad credentials) against Faspay. Failures alarm instead.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(15),
      environment: {
        ...renderRefresherEnvironment({
          ...settings.function,
          ...derivedSettings(FUNCTION_SETTINGS, {
            credentialsSecret: this.credentialsSecret,
            tokenParameterKey: this.tokenParameterKey,
            scheduleIntervalSeconds: settings.scheduleIntervalSeconds,
          }),
        }),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  }

  private grantRefresherAccess(fn: lambda.IFunction): void {
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['ssm:GetParameter', 'ssm:PutParameter'],
      resourceArns: [this.parameterArn],
    });
    // The lease (functions/adapters/parameter-lease.ts): create, read, take over (history), release.
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:GetParameterHistory'],
      resourceArns: [this.leaseParameterArn],
    });
    this.grantTokenKey(fn, ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']);
    this.grantCredentialsRead(fn);
  }

  private grantTokenKey(grantee: iam.IGrantable, actions: string[]): iam.Grant | undefined {
    if (this.tokenParameterKey === undefined) return undefined;
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.tokenParameterKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.${stack.urlSuffix}` } },
    });
  }

  /** GetSecretValue only (no DescribeSecret); a name import matches the random 6-character suffix. */
  private grantCredentialsRead(grantee: iam.IGrantable): iam.Grant {
    const secret = this.credentialsSecret;
    const arn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [arn] });
    if (secret.encryptionKey === undefined) return grant;
    const stack = Stack.of(this);
    return grant.combine(
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [secret.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }

  /**
   * The rule matches only rejection reports about this construct's parameter. EventBridge invokes
   * asynchronously: a report that cannot be delivered within a few minutes is dropped, because
   * the consumers that still fail report again with the next version they read.
   */
  private createRejectionReportRule(): events.Rule {
    return new events.Rule(this, 'RejectionReportRule', {
      description: 'Consumers report a Faspay token SendMe rejected; the refresher replaces it',
      eventPattern: {
        source: [REJECTION_REPORT_SOURCE],
        detailType: [REJECTION_REPORT_DETAIL_TYPE],
        detail: { parameterName: [this.parameterName] },
      },
      targets: [new eventsTargets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
    });
  }

  private createScheduleRole(): iam.Role {
    const stack = Stack.of(this);
    return new iam.Role(this, 'ScheduleRole', {
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
  }

  private createSchedule(settings: RefresherSettings, role: iam.Role): scheduler.Schedule {
    return new scheduler.Schedule(this, 'Schedule', {
      schedule: settings.schedule,
      description: 'Runs the Faspay SendMe token refresher; it refreshes only when the token is due',
      target: new targets.LambdaInvoke(this.function, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject({
          trigger: 'schedule',
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          executionId: scheduler.ContextAttribute.executionId,
        }),
        deadLetterQueue: this.deadLetterQueue,
        // Delivery retries only (Scheduler invokes asynchronously, so function errors are not
        // retried here); an event older than one interval is superseded by the next run anyway.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(15),
      }),
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

function defaultEventBusArn(stack: Stack): string {
  return stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
}
