import { Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REJECTION_REPORT_BUS_ENV,
  REJECTION_REPORT_DETAIL_TYPE,
  REJECTION_REPORT_SOURCE,
} from '../../functions/contracts/rejection-report.js';
import { METRIC, METRICS_NAMESPACE, TOKEN_PARAMETER_DIMENSION } from '../../functions/contracts/telemetry.js';
import { CREDENTIAL_KEYS } from '../../functions/faspay/index.js';
import { SHORT_TOKEN_LIFETIME_WARNING } from '../../infra/token-lifetime-warning.js';
import { FaspayTokenRefresher } from '../../infra/token-refresher.js';
import { actionsOf, bareStack, flatten, resourcesOf, statementsOfRole } from './synth.js';

const LEASE_ARN = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/faspay/sendme/access-token.lease';
const DEFAULT_BUS_ARN = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default';

describe('FaspayTokenRefresher: lease, rejection reports and their IAM', () => {
  let stack: Stack;
  let template: Template;
  let consumer: lambda.Function;

  beforeAll(() => {
    // GIVEN a refresher and a consumer function granted the report channel
    stack = bareStack();
    const refresher = new FaspayTokenRefresher(stack, 'Refresher');
    consumer = new lambda.Function(stack, 'Consumer', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    // WHEN
    refresher.grantReportRejection(consumer);
    template = Template.fromStack(stack);
  });

  it('lets the function hold the lease on its exact ARN, and nothing wider', () => {
    const statements = statementsOfRole(template, 'RefresherFunctionRole');
    const lease = statements.filter((statement) => resourcesOf(statement).some((resource) => resource.includes('.lease')));
    expect(lease.map((statement) => ({ actions: actionsOf(statement).sort(), resources: resourcesOf(statement) }))).toEqual([
      { actions: ['ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:PutParameter'], resources: [LEASE_ARN] },
    ]);
    const deletes = statements.filter((statement) => actionsOf(statement).includes('ssm:DeleteParameter'));
    expect(deletes.flatMap(resourcesOf)).toEqual([LEASE_ARN]);
  });

  it('routes only rejection reports about its own parameter, from its own account and the default bus, to the function', () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        account: [{ Ref: 'AWS::AccountId' }],
        source: [REJECTION_REPORT_SOURCE],
        'detail-type': [REJECTION_REPORT_DETAIL_TYPE],
        detail: { parameterName: ['/faspay/sendme/access-token'] },
      },
      EventBusName: Match.absent(),
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RefresherFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RefresherRejectionReportRule'), 'Arn'] },
    });
  });

  it('alarms, on the alarm topic, when rejection reports are refuted twice within an hour (a misconfigured consumer)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.reportRefuted,
      Dimensions: Match.arrayWith([{ Name: TOKEN_PARAMETER_DIMENSION, Value: '/faspay/sendme/access-token' }]),
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^RefresherAlarmsTopic') }],
      AlarmDescription: Match.stringLikeRegexp('misconfigured \\(its clock, time zone or Faspay credentials\\)'),
    });
  });

  it('grants a reporter events:PutEvents on the default bus under the source and detail-type conditions only', () => {
    const statements = statementsOfRole(template, 'ConsumerServiceRole');
    expect(statements.map((statement) => ({ actions: actionsOf(statement), resources: resourcesOf(statement) }))).toEqual([
      { actions: ['events:PutEvents'], resources: [DEFAULT_BUS_ARN] },
    ]);
    expect(statements[0]!.Condition).toEqual({
      StringEquals: { 'events:source': REJECTION_REPORT_SOURCE, 'events:detail-type': REJECTION_REPORT_DETAIL_TYPE },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"Principal":\{"AWS"[^}]*\}[^}]*lambda:InvokeFunction/);
  });

  it('tells a granted function where to send reports', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Code: { ZipFile: Match.anyValue() },
      Environment: { Variables: { [REJECTION_REPORT_BUS_ENV]: 'default' } },
    });
  });

  it('grants a role (not a function) the same, without an environment to set', () => {
    const local = bareStack();
    const refresher = new FaspayTokenRefresher(local, 'Refresher');
    const role = new iam.Role(local, 'Reporter', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = refresher.grantReportRejection(role);
    expect(grant.success).toBe(true);
    const statements = statementsOfRole(Template.fromStack(local), 'Reporter');
    expect(statements.flatMap(actionsOf)).toEqual(['events:PutEvents']);
  });

  it('sets the rejection cooldown from its prop, 60 s by default', () => {
    const refresherEnv = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::Function')).find((fn) => fn.Properties.Environment?.Variables?.TOKEN_PARAMETER_NAME)!
        .Properties.Environment.Variables;
    expect(refresherEnv(template).REJECTION_COOLDOWN_SECONDS).toBe('60');
    const local = bareStack();
    new FaspayTokenRefresher(local, 'Refresher', { rejectionCooldown: Duration.minutes(5) });
    expect(refresherEnv(Template.fromStack(local)).REJECTION_COOLDOWN_SECONDS).toBe('300');
  });

  it('allows the Advanced tier only when asked (advancedTier), off by default', () => {
    const refresherEnv = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::Function')).find((fn) => fn.Properties.Environment?.Variables?.TOKEN_PARAMETER_NAME)!
        .Properties.Environment.Variables;
    expect(refresherEnv(template).TOKEN_PARAMETER_ADVANCED_TIER).toBe('false');
    const local = bareStack();
    new FaspayTokenRefresher(local, 'Refresher', { advancedTier: true });
    expect(refresherEnv(Template.fromStack(local)).TOKEN_PARAMETER_ADVANCED_TIER).toBe('true');
  });

  it('throws naming rejectionCooldown when it is out of range', () => {
    expect(() => new FaspayTokenRefresher(bareStack(), 'Refresher', { rejectionCooldown: Duration.hours(2) })).toThrow(/rejectionCooldown/);
  });
});

describe('FaspayTokenRefresher: schedules too slow for the token lifetime', () => {
  it('warns at synth when the schedule cannot keep a 10-hour token fresh', () => {
    const stack = bareStack();
    new FaspayTokenRefresher(stack, 'Refresher', {
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
      refreshBeforeExpiry: Duration.hours(7),
      stalenessThreshold: Duration.hours(1),
    });
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Refresher',
      Match.stringLikeRegexp(`every 21600 s.*\\[ack: ${SHORT_TOKEN_LIFETIME_WARNING}\\]`),
    );
  });

  it('does not warn for the default schedule', () => {
    const stack = bareStack();
    new FaspayTokenRefresher(stack, 'Refresher');
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(SHORT_TOKEN_LIFETIME_WARNING));
  });
});

describe('FaspayTokenRefresher: the created secret', () => {
  it('keeps its template byte for byte, so that no deploy resets the credentials an operator put in', () => {
    // CloudFormation writes a secret's value only when SecretString changes in the template. These
    // strings are pinned: a change here would reset every filled secret on the next deploy.
    const stack = bareStack();
    new FaspayTokenRefresher(stack, 'Refresher');
    const [secret] = Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret'));
    expect(secret!.Properties.SecretString).toBe(
      '{"faspay_key":"","faspay_secret":"","app_key":"","app_secret":"","client_key":"","client_secret":"","iv":""}',
    );
    expect(secret!.Properties.Description).toBe(
      'Faspay SendMe credentials for the token refresher. Created with empty placeholders: fill it with aws secretsmanager put-secret-value ' +
        '--secret-id <this ARN> --secret-string \'{"faspay_key":"...","faspay_secret":"...","app_key":"...","app_secret":"...","client_key":"...",' +
        '"client_secret":"...","iv":"..."}\' (see docs/deploy.md, step 3).',
    );
    expect(secret!.Properties.GenerateSecretString).toBeUndefined();
    // The frozen placeholder still names every key the function reads (a new key is documented, not templated).
    expect(Object.keys(JSON.parse(secret!.Properties.SecretString as string))).toEqual([...CREDENTIAL_KEYS]);
    expect(flatten(secret!.DeletionPolicy)).toBe('Retain');
  });
});
