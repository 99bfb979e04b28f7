import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/shared/config-error.js';
import { CONTEXT_DEFAULTS } from '../../infra/stack-config.js';
import { actionsOf, cdkJsonContext, flatten, resourcesOf, statementsOfRole, synthStack } from './synth.js';

function env(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  return fn!.Properties.Environment.Variables as Record<string, unknown>;
}

function stalenessPeriod(template: Template): number {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  return alarms.find((a) => a.Properties.MetricName === 'TokenRemainingLifetime')!.Properties.Period as number;
}

describe('cdk.json', () => {
  it('runs the TypeScript entry and holds every default the stack falls back to', () => {
    // GIVEN
    const context = cdkJsonContext();
    // THEN: optional keys (no default) are absent from cdk.json; the others agree with the code
    for (const [key, value] of Object.entries(CONTEXT_DEFAULTS)) {
      expect(context[key], key).toEqual(value);
    }
    expect(context['@aws-cdk/core:enablePartitionLiterals']).toBe(true);
  });
});

describe('FaspayTokenRefresherStack context options', () => {
  it('faspayBaseUrl sets the function base URL (production)', () => {
    const { template } = synthStack({ faspayBaseUrl: 'https://sendme.faspay.co.id' });
    expect(env(template).FASPAY_BASE_URL).toBe('https://sendme.faspay.co.id');
  });

  it('credentialsSecretName imports the secret by name instead of creating one', () => {
    // WHEN
    const { template, stack } = synthStack({ credentialsSecretName: 'faspay/sendme/prod' });
    // THEN
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(env(template).FASPAY_CREDENTIALS_SECRET_ID).toBe('faspay/sendme/prod');
    const secretStatement = statementsOfRole(template, 'RefresherFunctionRole').find((s) =>
      actionsOf(s).includes('secretsmanager:GetSecretValue'),
    )!;
    expect(resourcesOf(secretStatement)).toEqual([
      'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:faspay/sendme/prod-??????',
    ]);
    expect(flatten(stack.resolve(template.findOutputs('CredentialsSecretArn').CredentialsSecretArn!.Value))).toBe(
      'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:faspay/sendme/prod',
    );
  });

  it('tokenParameterName changes the variable, the IAM resource, the metric dimension and the outputs', () => {
    // WHEN
    const { template } = synthStack({ tokenParameterName: '/faspay/prod/token' });
    // THEN
    const arn = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/faspay/prod/token';
    expect(env(template).TOKEN_PARAMETER_NAME).toBe('/faspay/prod/token');
    const ssm = statementsOfRole(template, 'RefresherFunctionRole').find((s) => actionsOf(s).includes('ssm:PutParameter'))!;
    expect(resourcesOf(ssm)).toEqual([arn]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: Match.arrayWith([{ Name: 'TokenParameter', Value: '/faspay/prod/token' }]),
    });
    expect(template.findOutputs('TokenParameterName').TokenParameterName!.Value).toBe('/faspay/prod/token');
    expect(flatten(template.findOutputs('TokenParameterArn').TokenParameterArn!.Value)).toBe(arn);
  });

  it.each([
    ['rate(5 minutes)', 'rate(5 minutes)', 1800],
    ['rate(1 hour)', 'rate(1 hour)', 7200],
    ['cron(0/10 * * * ? *)', 'cron(0/10 * * * ? *)', 3600],
  ])('schedule %s becomes %s with a %i s staleness window', (schedule, expression, period) => {
    const { template } = synthStack({ schedule });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: expression });
    expect(stalenessPeriod(template)).toBe(period);
  });

  it.each([
    ['rate(5 minutes)', '300'],
    ['rate(1 hour)', '3600'],
    ['cron(0/10 * * * ? *)', '0'],
  ])('schedule %s makes runs refresh %s s ahead of refreshAt', (schedule, lookahead) => {
    const { template } = synthStack({ schedule });
    expect(env(template).REFRESH_LOOKAHEAD_SECONDS).toBe(lookahead);
  });

  it.each([
    ['90m', '5400'],
    ['1h30m', '5400'],
    ['10800', '10800'],
    [10_800, '10800'],
  ])('refreshBeforeExpiry %s sets REFRESH_BEFORE_EXPIRY_SECONDS=%s', (refreshBeforeExpiry, seconds) => {
    const { template } = synthStack({ refreshBeforeExpiry });
    expect(env(template).REFRESH_BEFORE_EXPIRY_SECONDS).toBe(seconds);
  });

  it('kmsKeyArn passes the key to the function and grants it through SSM only', () => {
    // GIVEN
    const key = 'arn:aws:kms:ap-southeast-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    // WHEN
    const { template } = synthStack({ kmsKeyArn: key });
    // THEN
    expect(env(template).TOKEN_PARAMETER_KMS_KEY_ID).toBe(key);
    const kms = statementsOfRole(template, 'RefresherFunctionRole').find((s) => actionsOf(s).includes('kms:Encrypt'))!;
    expect(resourcesOf(kms)).toEqual([key]);
    expect(Object.keys(kms.Condition!.StringEquals!)).toEqual(['kms:ViaService']);
  });

  it('without kmsKeyArn the function gets no key variable and no kms permission', () => {
    const { template } = synthStack();
    expect(env(template)).not.toHaveProperty('TOKEN_PARAMETER_KMS_KEY_ID');
    const statements = statementsOfRole(template, 'RefresherFunctionRole');
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('alarmEmail subscribes the address to the alarm topic', () => {
    const { template } = synthStack({ alarmEmail: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('reservedConcurrency reserves the function concurrency', () => {
    const { template } = synthStack({ reservedConcurrency: '1' });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1 });
  });

  it('signedPath and timeZone set the function variables', () => {
    const { template } = synthStack({ signedPath: '/account/api/transfer', timeZone: 'Asia/Makassar' });
    expect(env(template)).toMatchObject({ FASPAY_SIGNED_PATH: '/account/api/transfer', FASPAY_TIMEZONE: 'Asia/Makassar' });
  });

  it('stackName names the stack, so sandbox and production can live in one account', () => {
    const { stack } = synthStack({ stackName: 'FaspayTokenRefresherProd' });
    expect(stack.stackName).toBe('FaspayTokenRefresherProd');
  });

  it('deployExampleConsumer adds the example consumer with read access to the token and the secret only', () => {
    // WHEN
    const { template } = synthStack({ deployExampleConsumer: 'true' });
    // THEN
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          TOKEN_PARAMETER_NAME: '/faspay/sendme/access-token',
          FASPAY_BASE_URL: 'https://sendme-sandbox.faspay.co.id',
          FASPAY_CREDENTIALS_SECRET_ID: { Ref: Match.stringLikeRegexp('^RefresherCredentialsSecret') },
          POWERTOOLS_SERVICE_NAME: 'faspay-example-consumer',
        }),
      },
    });
    const granted = statementsOfRole(template, 'ExampleConsumerFunctionRole').map((s) => ({
      actions: actionsOf(s).sort(),
      resources: resourcesOf(s),
    }));
    expect(granted).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [expect.stringMatching(/^\$\{ExampleConsumerLogGroup\w+\.Arn\}$/)],
      },
      {
        actions: ['ssm:GetParameter'],
        resources: ['arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/faspay/sendme/access-token'],
      },
      { actions: ['secretsmanager:GetSecretValue'], resources: [expect.stringMatching(/^\$\{RefresherCredentialsSecret\w+\}$/)] },
      // grantConsumer: the report channel, so that the example heals a refused token as a real consumer would
      { actions: ['events:PutEvents'], resources: ['arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default'] },
    ]);
    expect(template.findOutputs('ExampleConsumerFunctionName').ExampleConsumerFunctionName).toBeDefined();
  });

  it('deploys no example consumer by default', () => {
    const { template } = synthStack();
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(template.findOutputs('ExampleConsumerFunctionName')).toEqual({});
  });

  it('treats an empty -c value as not set', () => {
    const { template } = synthStack({ credentialsSecretName: '', kmsKeyArn: ' ' });
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(env(template)).not.toHaveProperty('TOKEN_PARAMETER_KMS_KEY_ID');
  });
});

describe('FaspayTokenRefresherStack invalid context', () => {
  it.each([
    [
      { schedule: 'every 15 minutes' },
      /context "schedule" must be rate\(N minutes\|hours\|days\) or cron\(.*\), got "every 15 minutes" \(for example: -c schedule=rate\(15 minutes\)\)/,
    ],
    [{ schedule: 'rate(0 minutes)' }, /context "schedule" must be a rate of at least 1, got "rate\(0 minutes\)"/],
    [
      { refreshBeforeExpiry: '2 hours' },
      /context "refreshBeforeExpiry" must be a duration such as 15m, 1h30m, 90s or 900 \(seconds\), got "2 hours" \(for example: -c refreshBeforeExpiry=2h\)/,
    ],
    [{ refreshBeforeExpiry: '10m' }, /refreshBeforeExpiry \(600 s\) must be longer than the schedule interval \(900 s/],
    [
      { reservedConcurrency: 'one' },
      /context "reservedConcurrency" must be a whole number from 1 to 1000, got "one" \(for example: -c reservedConcurrency=1\)/,
    ],
    [{ kmsKeyArn: 'alias/faspay' }, /context "kmsKeyArn" must be the ARN of a KMS key \(not an alias.*got "alias\/faspay"/],
    [
      { credentialsSecretName: 'arn:aws:secretsmanager:ap-southeast-3:111122223333:secret:x' },
      /context "credentialsSecretName" must be the name \(not the ARN\)/,
    ],
    [{ deployExampleConsumer: 'yes' }, /context "deployExampleConsumer" must be true or false, got "yes"/],
    [{ schedul: 'rate(5 minutes)' }, /unknown context key\(s\) "schedul": the known keys are stackName, faspayBaseUrl/],
    [
      { faspayBaseUrl: 'http://sendme.faspay.co.id' },
      /faspayBaseUrl must use https \(http is allowed only for localhost, 127.0.0.1 and \[::1\]\)/,
    ],
    [{ tokenParameterName: 'faspay/token' }, /tokenParameterName contains "\/" but does not start with "\/"/],
    [{ stackName: '1-stack' }, /context "stackName" must be a CloudFormation stack name/],
    [{ alarmEmail: 'ops' }, /alarmEmail must be an email address/],
  ])('rejects %o with a message naming the key and the value', (context, message) => {
    expect(() => synthStack(context)).toThrow(message);
  });

  it('throws the one ConfigError (CONFIG_INVALID) for a context value, so the app prints its message', () => {
    expect(() => synthStack({ schedule: 'every 15 minutes' })).toThrow(ConfigError);
  });
});
