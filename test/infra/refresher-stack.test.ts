import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_KEYS } from '../../functions/faspay/index.js';
import type { FaspayTokenRefresherStack } from '../../infra/stack.js';
import { actionsOf, flatten, resourcesOf, statementsOfRole, synthStack } from './synth.js';

const PARAMETER_ARN = '${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/faspay/sendme/access-token';

describe('FaspayTokenRefresherStack with the cdk.json defaults', () => {
  let template: Template;
  let stack: FaspayTokenRefresherStack;
  let functionLogicalId: string;

  beforeAll(() => {
    // GIVEN the context of cdk.json and nothing else
    // WHEN the app is synthesized
    ({ template, stack } = synthStack());
    functionLogicalId = stack.getLogicalId(stack.refresher.function.node.defaultChild as never);
  });

  describe('the function', () => {
    it('runs nodejs22.x on arm64 with 256 MB and a 60 s timeout (3 attempts x 8 s + backoff + AWS calls)', () => {
      // THEN
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 60,
        Handler: 'index.handler',
      });
    });

    it('gets exactly the environment of the refresher contract, with the secret referenced by ARN', () => {
      const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId]!;
      expect(fn.Properties.Environment.Variables).toEqual({
        FASPAY_BASE_URL: 'https://sendme-sandbox.faspay.co.id',
        FASPAY_CREDENTIALS_SECRET_ID: { Ref: expect.stringMatching(/^RefresherCredentialsSecret/) },
        TOKEN_PARAMETER_NAME: '/faspay/sendme/access-token',
        REFRESH_BEFORE_EXPIRY_SECONDS: '7200',
        REFRESH_LOOKAHEAD_SECONDS: '900',
        FASPAY_SIGNED_PATH: '/account/api/tokens',
        FASPAY_TIMEZONE: 'Asia/Jakarta',
        FASPAY_HTTP_TIMEOUT_MS: '8000',
        FASPAY_MAX_ATTEMPTS: '3',
        REJECTION_COOLDOWN_SECONDS: '60',
        REJECTION_CHECK_PATH: '/account/api/balance_inquiry',
        TOKEN_PARAMETER_ADVANCED_TIER: 'false',
        POWERTOOLS_SERVICE_NAME: 'faspay-token-refresher',
        POWERTOOLS_METRICS_NAMESPACE: 'FaspaySendMe',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('logs to its own log group kept for three months', () => {
      template.resourceCountIs('AWS::Logs::LogGroup', 1);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^RefresherLogGroup') } },
      });
    });

    it('does not retry failed async invocations and drops events older than 15 minutes', () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionLogicalId },
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 900,
        Qualifier: '$LATEST',
      });
    });

    it('has no reserved concurrency by default', () => {
      template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
    });
  });

  describe('the token parameter', () => {
    it('is not declared in the stack (the function creates the SecureString)', () => {
      template.resourceCountIs('AWS::SSM::Parameter', 0);
    });

    it('has an ARN with exactly one slash after "parameter"', () => {
      const arn = flatten(stack.resolve(stack.refresher.parameterArn));
      expect(arn).toBe(`arn:${PARAMETER_ARN}`);
      expect(arn).not.toMatch(/parameter\/\//);
    });
  });

  describe('IAM', () => {
    it('gives the function role no AWS managed policy', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
        ManagedPolicyArns: Match.absent(),
      });
    });

    it('grants the function exactly: write its log group, get/put the parameter, hold the lease beside it, get the secret value', () => {
      const statements = statementsOfRole(template, 'RefresherFunctionRole');
      const granted = statements.map((s) => ({ actions: actionsOf(s).sort(), resources: resourcesOf(s), effect: s.Effect }));
      expect(granted).toEqual([
        {
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [expect.stringMatching(/^\$\{RefresherLogGroup\w+\.Arn\}$/)],
        },
        { effect: 'Allow', actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: [`arn:${PARAMETER_ARN}`] },
        {
          effect: 'Allow',
          actions: ['ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:PutParameter'],
          resources: [`arn:${PARAMETER_ARN}.lease`],
        },
        {
          effect: 'Allow',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [expect.stringMatching(/^\$\{RefresherCredentialsSecret\w+\}$/)],
        },
      ]);
    });

    it('never grants an ssm, secretsmanager or kms action on a wildcard resource', () => {
      const policies = template.findResources('AWS::IAM::Policy');
      const scoped = Object.values(policies)
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .filter((s) => actionsOf(s).some((a) => /^(ssm|secretsmanager|kms):/.test(a)));
      expect(scoped.length).toBeGreaterThan(0);
      for (const statement of scoped) {
        for (const resource of resourcesOf(statement)) expect(resource).not.toContain('*');
        for (const action of actionsOf(statement)) expect(action).not.toContain('*');
      }
    });

    it('lets only EventBridge Scheduler of this account and default group assume the schedule role', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: {
                  'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                  'aws:SourceArn': Match.anyValue(),
                },
              },
            },
          ],
        },
      });
    });

    it('lets the schedule role invoke only this function and send only to its dead-letter queue', () => {
      const statements = statementsOfRole(template, 'RefresherScheduleRole');
      const granted = statements.map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s) }));
      expect(granted).toEqual([
        { actions: ['lambda:InvokeFunction'], resources: [`\${${functionLogicalId}.Arn}`, `\${${functionLogicalId}.Arn}:*`] },
        { actions: ['sqs:SendMessage'], resources: [expect.stringMatching(/^\$\{RefresherDeadLetterQueue\w+\.Arn\}$/)] },
      ]);
    });
  });

  describe('the schedule', () => {
    it('invokes the function every 15 minutes with the fixed scheduler payload', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0]!;
      expect(schedule.Properties.ScheduleExpression).toBe('rate(15 minutes)');
      expect(schedule.Properties.State).toBe('ENABLED');
      expect(schedule.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [functionLogicalId, 'Arn'] });
      expect(JSON.parse(schedule.Properties.Target.Input as string)).toEqual({
        trigger: 'schedule',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        executionId: '<aws.scheduler.execution-id>',
      });
    });

    it('retries delivery twice within 15 minutes, then dead-letters to the queue', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Target: Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RefresherDeadLetterQueue'), 'Arn'] } },
        }),
      });
    });

    it('uses an SSE-encrypted dead-letter queue that denies non-TLS access', () => {
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });
  });

  describe('alarms', () => {
    it('alarms on any function error within 5 minutes', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarms on any visible message in the dead-letter queue', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarms when the token lifetime minimum falls below 1 hour or nothing is reported for 30 minutes', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'FaspaySendMe',
        MetricName: 'TokenRemainingLifetime',
        Dimensions: Match.arrayEquals([
          { Name: 'TokenParameter', Value: '/faspay/sendme/access-token' },
          { Name: 'service', Value: 'faspay-token-refresher' },
        ]),
        Statistic: 'Minimum',
        Period: 1800,
        EvaluationPeriods: 1,
        Threshold: 3600,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    it('sends every alarm and its recovery to the alarm topic', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(4);
      const topic = { Ref: expect.stringMatching(/^RefresherAlarmsTopic/) };
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topic]);
        expect(alarm.Properties.OKActions).toEqual([topic]);
      }
    });

    it('encrypts the topic with a rotating customer key that CloudWatch may use, and denies non-TLS publishing', () => {
      template.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RefresherAlarmsTopicKey'), 'Arn'] },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: {
                ArnLike: { 'aws:SourceArn': Match.anyValue() },
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: {
                ArnLike: { 'aws:SourceArn': Match.anyValue() },
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              },
            }),
          ]),
        },
      });
    });

    it('subscribes no email address by default', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('the credentials secret', () => {
    it('is created with an empty placeholder for each credential key and kept when the stack is deleted', () => {
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      const [secret] = Object.values(template.findResources('AWS::SecretsManager::Secret'));
      expect(secret!.DeletionPolicy).toBe('Retain');
      expect(JSON.parse(secret!.Properties.SecretString as string)).toEqual(Object.fromEntries(CREDENTIAL_KEYS.map((key) => [key, ''])));
      expect(secret!.Properties.Description).toMatch(/put-secret-value/);
    });
  });

  describe('outputs', () => {
    it('exposes the six outputs under stable logical ids, without exports', () => {
      const outputs = template.findOutputs('*');
      expect(Object.keys(outputs).sort()).toEqual(
        ['AlarmTopicArn', 'CredentialsSecretArn', 'FunctionArn', 'FunctionName', 'TokenParameterArn', 'TokenParameterName'].sort(),
      );
      for (const output of Object.values(outputs)) expect(output.Export).toBeUndefined();
      expect(outputs.FunctionName!.Value).toEqual({ Ref: functionLogicalId });
      expect(outputs.FunctionArn!.Value).toEqual({ 'Fn::GetAtt': [functionLogicalId, 'Arn'] });
      expect(outputs.TokenParameterName!.Value).toBe('/faspay/sendme/access-token');
      expect(flatten(outputs.TokenParameterArn!.Value)).toBe(`arn:${PARAMETER_ARN}`);
      expect(outputs.CredentialsSecretArn!.Value).toEqual({ Ref: expect.stringMatching(/^RefresherCredentialsSecret/) });
      expect(outputs.AlarmTopicArn!.Value).toEqual({ Ref: expect.stringMatching(/^RefresherAlarmsTopic/) });
    });
  });
});
