import { App, Errors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaspayTokenRefresher } from '../../infra/index.js';
import { actionsOf, bareStack, cdkJsonContext, flatten, resourcesOf, statementsOfRole } from './synth.js';

/** Sandbox and production in one stack, the way examples/payments-app (and many teams) do it. */
describe('Construct: two FaspayTokenRefresher in one stack', () => {
  let stack: Stack;
  let template: Template;
  let sandbox: FaspayTokenRefresher;
  let production: FaspayTokenRefresher;
  let payout: iam.Role;

  beforeAll(() => {
    // GIVEN one stack WHEN two refreshers with their own parameter and secret are added
    stack = bareStack();
    sandbox = new FaspayTokenRefresher(stack, 'SandboxToken', {
      credentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'SandboxCredentials', 'payments/faspay/sandbox'),
      tokenParameterName: '/payments/faspay/sandbox/access-token',
    });
    production = new FaspayTokenRefresher(stack, 'ProductionToken', {
      faspayBaseUrl: 'https://sendme.faspay.co.id',
      tokenParameterName: '/payments/faspay/production/access-token',
    });
    // AND a consumer role granted on production only
    payout = new iam.Role(stack, 'Payout', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    production.grantRead(payout);
    template = Template.fromStack(stack);
  });

  /** The secret's ARN as rendered in policies: the imported one by name, the created one by reference. */
  const secretArnOf = (refresher: FaspayTokenRefresher) => flatten(stack.resolve(refresher.credentialsSecret.secretArn));
  const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

  it('creates every resource once per refresher: functions, roles, schedules, queues, topics, alarms', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBe(2 * 4);
    expect(logicalIdOf(sandbox.function)).not.toBe(logicalIdOf(production.function));
  });

  it('gives each its own parameter ARN and secret', () => {
    expect(stack.resolve(sandbox.parameterArn)).not.toEqual(stack.resolve(production.parameterArn));
    expect(flatten(stack.resolve(sandbox.parameterArn))).toMatch(/:parameter\/payments\/faspay\/sandbox\/access-token$/);
    expect(flatten(stack.resolve(production.parameterArn))).toMatch(/:parameter\/payments\/faspay\/production\/access-token$/);
    expect(stack.resolve(sandbox.credentialsSecret.secretArn)).not.toEqual(stack.resolve(production.credentialsSecret.secretArn));
  });

  it("lets each function's role reach its own parameter and secret only", () => {
    for (const [self, other] of [
      [sandbox, production],
      [production, sandbox],
    ] as const) {
      const roleId = stack.getLogicalId(self.function.role!.node.defaultChild as never);
      const resources = statementsOfRole(template, roleId).flatMap(resourcesOf);
      expect(resources).toContain(flatten(stack.resolve(self.parameterArn)));
      expect(resources).not.toContain(flatten(stack.resolve(other.parameterArn)));
      expect(resources.join(' ')).not.toContain(secretArnOf(other));
    }
  });

  it('keeps metrics apart: the staleness metric of each is dimensioned by its own parameter', () => {
    expect(sandbox.metricTokenRemainingLifetime().dimensions).toMatchObject({ TokenParameter: '/payments/faspay/sandbox/access-token' });
    expect(production.metricTokenRemainingLifetime().dimensions).toMatchObject({
      TokenParameter: '/payments/faspay/production/access-token',
    });
    const stalenessDimensions = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((alarm) => alarm.Properties.Dimensions as { Name: string; Value: unknown }[] | undefined)
      .flatMap(
        (dimensions) => dimensions?.filter((dimension) => dimension.Name === 'TokenParameter').map((dimension) => dimension.Value) ?? [],
      );
    expect(new Set(stalenessDimensions)).toEqual(
      new Set(['/payments/faspay/sandbox/access-token', '/payments/faspay/production/access-token']),
    );
  });

  it('grants a consumer exactly the refresher it is granted on', () => {
    const statements = statementsOfRole(template, stack.getLogicalId(payout.node.defaultChild as never));
    const resources = statements.flatMap(resourcesOf);
    expect(statements.flatMap(actionsOf).sort()).toEqual(['secretsmanager:GetSecretValue', 'ssm:GetParameter']);
    expect(resources).toContain(flatten(stack.resolve(production.parameterArn)));
    expect(resources).not.toContain(flatten(stack.resolve(sandbox.parameterArn)));
    expect(resources.join(' ')).not.toContain(secretArnOf(sandbox));
  });
});

/** The `x` / `x.lease` pair: one refresher's token parameter is the other's refresh lease. */
describe('Construct: two FaspayTokenRefresher whose parameter of one is the lease of the other', () => {
  const catchError = (build: () => void): unknown => {
    try {
      build();
    } catch (error) {
      return error;
    }
    throw new Error('expected the construct to throw');
  };
  const app = () => new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });

  it.each([
    ['the token first, then the refresher leasing it', '/payments/token.lease', '/payments/token'],
    ['the leasing refresher first, then the token', '/payments/token', '/payments/token.lease'],
  ])('refuses %s at synth, naming both, as a ValidationError at the construct path', (_order, first, second) => {
    // GIVEN a stack with one refresher
    const stack = bareStack();
    new FaspayTokenRefresher(stack, 'First', { tokenParameterName: first });

    // WHEN a second one is added whose name is the first's plus ".lease", or the reverse
    const error = catchError(() => new FaspayTokenRefresher(stack, 'Second', { tokenParameterName: second }));

    // THEN synth stops at the second refresher, naming both refreshers and both names
    expect(Errors.isValidationError(error), String(error)).toBe(true);
    if (!Errors.isValidationError(error)) return;
    expect(error.constructPath).toBe('TestStack/Second');
    expect(error.message).toContain('TestStack/First');
    expect(error.message).toContain('TestStack/Second');
    expect(error.message).toContain('tokenParameterName "/payments/token.lease"');
    expect(error.message).toContain('refresh lease of');
    expect(error.cause).toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('refuses the pair across two stacks of one app that may share an account and region', () => {
    const shared = app();
    new FaspayTokenRefresher(new Stack(shared, 'Sandbox'), 'Token', { tokenParameterName: '/payments/token' });
    const production = new Stack(shared, 'Production');
    expect(() => new FaspayTokenRefresher(production, 'Token', { tokenParameterName: '/payments/token.lease' })).toThrow(
      /"\/payments\/token\.lease" of Production\/Token is the refresh lease of Sandbox\/Token/,
    );
  });

  it('accepts the pair in stacks bound to different accounts, and names that only look alike', () => {
    const apart = app();
    new FaspayTokenRefresher(new Stack(apart, 'A', { env: { account: '111111111111', region: 'ap-southeast-3' } }), 'Token', {
      tokenParameterName: '/payments/token',
    });
    const other = new Stack(apart, 'B', { env: { account: '222222222222', region: 'ap-southeast-3' } });
    expect(() => new FaspayTokenRefresher(other, 'Token', { tokenParameterName: '/payments/token.lease' })).not.toThrow();
    expect(() => new FaspayTokenRefresher(other, 'Other', { tokenParameterName: '/payments/token.leases' })).not.toThrow();
  });
});
