import { type CfnElement, Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordsIn } from '../../cli/refresher-lookup.js';
import { REFRESHER_RECORD_FORMAT } from '../../functions/contracts/refresher-record.js';
import { FaspayTokenRefresher } from '../../infra/token-refresher.js';
import { actionsOf, bareStack, flatten, resourcesOf, type Statement, statementsOfRole } from './synth.js';

const KEY_ARN = 'arn:aws:kms:ap-southeast-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const VIA_SSM = { StringEquals: { 'kms:ViaService': 'ssm.${AWS::Region}.${AWS::URLSuffix}' } };

function summarize(statements: Statement[]): { actions: string[]; resources: string[] }[] {
  return statements.map((s) => ({ actions: actionsOf(s).sort(), resources: resourcesOf(s) }));
}

/** Conditions hold tokens (Fn::Join); render their values the way `flatten` does. */
function conditionsOf(statements: Statement[]): unknown[] {
  return statements.map((s) =>
    s.Condition === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(s.Condition).map(([op, entries]) => [
            op,
            Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, flatten(v)])),
          ]),
        ),
  );
}

describe('FaspayTokenRefresher with a customer managed key, an imported secret and a consumer', () => {
  let stack: Stack;
  let template: Template;
  let refresher: FaspayTokenRefresher;

  beforeAll(() => {
    // GIVEN a customer key, a secret imported by name and a consumer role
    stack = bareStack();
    const consumer = new iam.Role(stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // WHEN
    refresher = new FaspayTokenRefresher(stack, 'Refresher', {
      tokenParameterKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
      credentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'faspay/sendme/credentials'),
      tokenParameterName: 'faspay-token',
    });
    refresher.grantRead(consumer);
    template = Template.fromStack(stack);
  });

  it('passes the key ARN to the function and the secret by name (a name import has no full ARN)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TOKEN_PARAMETER_KMS_KEY_ID: KEY_ARN,
          FASPAY_CREDENTIALS_SECRET_ID: 'faspay/sendme/credentials',
          TOKEN_PARAMETER_NAME: 'faspay-token',
        }),
      },
    });
  });

  it('creates no secret of its own', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('builds the ARN of a plain parameter name with one slash', () => {
    expect(flatten(stack.resolve(refresher.parameterArn))).toBe(
      'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/faspay-token',
    );
  });

  it('grants the function the key for Encrypt/Decrypt/GenerateDataKey only through SSM', () => {
    const statements = statementsOfRole(template, 'RefresherFunctionRole');
    const kmsStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(summarize(kmsStatements)).toEqual([{ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [KEY_ARN] }]);
    expect(conditionsOf(kmsStatements)).toEqual([VIA_SSM]);
  });

  it('grants the function GetSecretValue on the name-import ARN with its 6-character suffix wildcard', () => {
    const statements = statementsOfRole(template, 'RefresherFunctionRole');
    const secretStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    expect(summarize(secretStatements)).toEqual([
      {
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:faspay/sendme/credentials-??????'],
      },
    ]);
  });

  it('grantRead gives the consumer GetParameter, kms:Decrypt through SSM and GetSecretValue, and nothing to write', () => {
    const statements = statementsOfRole(template, 'Consumer');
    const granted = statements.map((s) => ({ actions: actionsOf(s).sort(), resources: resourcesOf(s) }));
    expect(granted).toEqual([
      { actions: ['ssm:GetParameter'], resources: ['arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/faspay-token'] },
      { actions: ['kms:Decrypt'], resources: [KEY_ARN] },
      {
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:faspay/sendme/credentials-??????'],
      },
    ]);
    expect(conditionsOf(statements)).toEqual([undefined, VIA_SSM, undefined]);
  });

  it('exposes metrics with exactly the dimensions the function emits', () => {
    const metric = refresher.metricTokenRemainingLifetime({ period: Duration.minutes(30) });
    expect(metric.namespace).toBe('FaspaySendMe');
    expect(metric.metricName).toBe('TokenRemainingLifetime');
    expect(metric.statistic).toBe('Minimum');
    expect(metric.dimensions).toEqual({ service: 'faspay-token-refresher', TokenParameter: 'faspay-token' });
    expect(refresher.metricTokenRefreshed().metricName).toBe('TokenRefreshed');
    expect(refresher.metricTokenRefreshFailed().metricName).toBe('TokenRefreshFailed');
  });
});

describe('FaspayTokenRefresher with a created secret', () => {
  it('grantRead gives GetSecretValue on the created secret and no kms statement without a customer key', () => {
    // GIVEN
    const stack = bareStack();
    const consumer = new iam.Role(stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const refresher = new FaspayTokenRefresher(stack, 'Refresher');
    // WHEN
    const grant = refresher.grantRead(consumer);
    // THEN
    expect(grant.success).toBe(true);
    const statements = statementsOfRole(Template.fromStack(stack), 'Consumer');
    expect(statements.map((s) => ({ actions: actionsOf(s), resources: resourcesOf(s) }))).toEqual([
      {
        actions: ['ssm:GetParameter'],
        resources: ['arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/faspay/sendme/access-token'],
      },
      { actions: ['secretsmanager:GetSecretValue'], resources: [expect.stringMatching(/^\$\{RefresherCredentialsSecret\w+\}$/)] },
    ]);
  });

  it('derives a longer function timeout from more attempts and a longer HTTP timeout', () => {
    // GIVEN 5 attempts of 20 s: 5 x 20 + 4 x 5 backoff + 15 = 135 s
    const stack = bareStack();
    // WHEN
    new FaspayTokenRefresher(stack, 'Refresher', { maxAttempts: 5, httpTimeout: Duration.seconds(20) });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 135,
      Environment: { Variables: Match.objectLike({ FASPAY_MAX_ATTEMPTS: '5', FASPAY_HTTP_TIMEOUT_MS: '20000' }) },
    });
  });
});

describe('FaspayTokenRefresher records what the operator CLI needs, in one stack output per refresher', () => {
  it('writes function, parameter and secret as the CLI reads them, under an output id of its own even for the same id deeper in the tree', () => {
    // GIVEN two refreshers with the same construct id, one of them inside another construct
    const stack = bareStack();
    const top = new FaspayTokenRefresher(stack, 'Token', {
      credentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Imported', 'payments/faspay'),
      tokenParameterName: '/payments/top/token',
    });
    const deep = new FaspayTokenRefresher(new Construct(stack, 'Merchants'), 'Token', { tokenParameterName: '/payments/deep/token' });
    // WHEN
    const outputs = Template.fromStack(stack).findOutputs('*');
    // THEN each has one output, whose resolved value (references shown as ${LogicalId}) is its record
    const records = recordsIn(Object.values(outputs).map((output) => flatten(output.Value)));
    const logicalIdOf = (refresher: FaspayTokenRefresher) => stack.getLogicalId(refresher.function.node.defaultChild as CfnElement);
    const secretIdOf = (refresher: FaspayTokenRefresher) => stack.getLogicalId(refresher.credentialsSecret.node.defaultChild as CfnElement);
    expect(records).toEqual([
      {
        format: REFRESHER_RECORD_FORMAT,
        constructId: 'Token',
        constructPath: 'TestStack/Token',
        functionName: `\${${logicalIdOf(top)}}`,
        tokenParameterName: '/payments/top/token',
        credentialsSecretId: 'payments/faspay',
      },
      {
        format: REFRESHER_RECORD_FORMAT,
        constructId: 'Token',
        constructPath: 'TestStack/Merchants/Token',
        functionName: `\${${logicalIdOf(deep)}}`,
        tokenParameterName: '/payments/deep/token',
        credentialsSecretId: `\${${secretIdOf(deep)}}`,
      },
    ]);
    expect(Object.keys(outputs)).toHaveLength(2);
    for (const output of Object.values(outputs)) expect(output.Export).toBeUndefined();
  });
});
