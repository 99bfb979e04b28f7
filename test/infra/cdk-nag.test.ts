import { type App, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthStack } from './synth.js';

/*
 * cdk-nag 3 is a CDK policy-validation plugin (the v2 Aspect and Annotations are gone): infra/app.ts
 * registers it with Validations.of(app).addPlugins(...), and any finding it reports fails `cdk synth`.
 * Here it runs directly over the construct tree (validateScope) and through a real app.synth().
 */

function findings(app: App): { ruleName: string; severity: string | undefined; paths: string[] }[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
  return report.violations.map((v) => ({
    ruleName: v.ruleName,
    severity: v.severity,
    paths: v.violatingResources.map((r) => r.constructPath ?? '?'),
  }));
}

function acknowledgements(app: App): { path: string; id: string; reason: string }[] {
  return app.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason })),
        ),
    );
}

describe('cdk-nag AwsSolutions checks', () => {
  let defaults: Synthesized;
  let everyOption: Synthesized;
  let networks: Synthesized[];

  beforeAll(() => {
    // GIVEN the default app, and one with every optional context key set
    defaults = synthStack();
    everyOption = synthStack({
      credentialsSecretName: 'faspay/sendme/prod',
      kmsKeyArn: 'arn:aws:kms:ap-southeast-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      alarmEmail: 'ops@example.com',
      reservedConcurrency: '1',
      schedule: 'cron(0/10 * * * ? *)',
      deployExampleConsumer: 'true',
    });
    // AND the network variants: a fixed egress (two NATs, endpoints) and an existing VPC, each with the consumer
    networks = [
      synthStack({ fixedEgress: 'true', egressNatGateways: '2', egressEndpoints: 'true', deployExampleConsumer: 'true' }),
      synthStack({ fixedEgress: 'true', egressElasticIps: 'eipalloc-0123456789abcdef0=203.0.113.10' }),
      synthStack({ vpcId: 'vpc-0123456789abcdef0', vpcSubnetIds: 'subnet-0123456789abcdef0', deployExampleConsumer: 'true' }),
    ];
  });

  it('reports no unacknowledged AwsSolutions error for the default stack', () => {
    expect(findings(defaults.app).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('reports no unacknowledged AwsSolutions finding at all (warnings fail the synth too)', () => {
    expect(findings(defaults.app)).toEqual([]);
    expect(findings(everyOption.app)).toEqual([]);
    for (const { app } of networks) expect(findings(app)).toEqual([]);
  });

  it('in a VPC, acknowledges only the ENI wildcard on each function role and the flow logs of the egress VPC', () => {
    const added = (synthesized: Synthesized): { path: string; id: string }[] =>
      acknowledgements(synthesized.app)
        .map(({ path, id }) => ({ path, id }))
        .filter((a) => /AwsSolutions-(VPC7|IAM5\[Resource::\*\])$/.test(a.id));
    expect(added(networks[0]!)).toEqual([
      { path: 'FaspayTokenRefresher/Egress/Vpc', id: 'Annotation::AwsSolutions-VPC7' },
      { path: 'FaspayTokenRefresher/Refresher/FunctionRole', id: 'Annotation::AwsSolutions-IAM5[Resource::*]' },
      { path: 'FaspayTokenRefresher/ExampleConsumer/FunctionRole', id: 'Annotation::AwsSolutions-IAM5[Resource::*]' },
    ]);
    expect(added(networks[2]!)).toEqual([
      { path: 'FaspayTokenRefresher/Refresher/FunctionRole', id: 'Annotation::AwsSolutions-IAM5[Resource::*]' },
      { path: 'FaspayTokenRefresher/ExampleConsumer/FunctionRole', id: 'Annotation::AwsSolutions-IAM5[Resource::*]' },
    ]);
    for (const { reason } of acknowledgements(networks[0]!.app)) expect(reason.length).toBeGreaterThan(60);
  });

  it('acknowledges exactly four findings, each on its own resource with a reason, the wildcard one by its exact resource', () => {
    const acks = acknowledgements(defaults.app);
    expect(acks.map(({ path, id }) => ({ path, id }))).toEqual([
      { path: 'FaspayTokenRefresher/Refresher/CredentialsSecret', id: 'Annotation::AwsSolutions-SMG4' },
      { path: 'FaspayTokenRefresher/Refresher/Function', id: 'Annotation::AwsSolutions-L1' },
      { path: 'FaspayTokenRefresher/Refresher/DeadLetterQueue', id: 'Annotation::AwsSolutions-SQS3' },
      {
        path: 'FaspayTokenRefresher/Refresher/ScheduleRole',
        id: 'Annotation::AwsSolutions-IAM5[Resource::<RefresherFunction4AAAAD8B.Arn>:*]',
      },
    ]);
    for (const { reason } of acks) expect(reason.length).toBeGreaterThan(60);
  });

  it('does not acknowledge the secret rotation finding when the secret is imported', () => {
    expect(acknowledgements(everyOption.app).map((a) => a.id)).not.toContain('Annotation::AwsSolutions-SMG4');
  });

  it('lets the app synthesize with the plugin registered, as `cdk synth` does', () => {
    // GIVEN
    const { app } = synthStack();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    // WHEN / THEN
    expect(() => app.synth()).not.toThrow();
  });

  it('still catches a finding (the check is not vacuous)', () => {
    // GIVEN a queue without a dead-letter queue or TLS enforcement next to the refresher
    const { app, stack } = synthStack();
    new sqs.Queue(stack, 'Careless', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    // THEN
    const rules = findings(app).map((f) => f.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});
