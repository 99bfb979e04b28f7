import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthStack } from './synth.js';

/**
 * W3005 ("dependency already enforced by a GetAtt") is how CDK always renders a function's
 * DependsOn on its role policy; it is redundant, not wrong. Everything else must be clean.
 */
const IGNORED_CHECKS = ['W3005'];

function requireCfnLint(): void {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'cfn-lint is not installed or not on PATH: the template lint is part of `npm test` (it is preinstalled on every ' +
        'machine of this project; do not skip it).',
    );
  }
}

function lint(templatePath: string): { status: number | null; output: string } {
  const result = spawnSync('cfn-lint', ['--ignore-checks', ...IGNORED_CHECKS, '--', templatePath], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('cfn-lint over the synthesized template', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'faspay-cfn-lint-'));

  beforeAll(() => requireCfnLint());
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it.each([
    ['the cdk.json defaults', {}],
    [
      'every optional context key set',
      {
        credentialsSecretName: 'faspay/sendme/prod',
        kmsKeyArn: 'arn:aws:kms:ap-southeast-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        alarmEmail: 'ops@example.com',
        reservedConcurrency: '2',
        schedule: 'cron(0/10 * * * ? *)',
        deployExampleConsumer: 'true',
      },
    ],
    [
      'a fixed egress with two NAT gateways, endpoints and the consumer',
      { fixedEgress: 'true', egressNatGateways: '2', egressEndpoints: 'true', deployExampleConsumer: 'true' },
    ],
    ['a fixed egress on an existing Elastic IP', { fixedEgress: 'true', egressElasticIps: 'eipalloc-0123456789abcdef0=203.0.113.10' }],
    ['an existing VPC by ids', { vpcId: 'vpc-0123456789abcdef0', vpcSubnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210' }],
  ])(
    'reports nothing for %s',
    (label, context) => {
      // GIVEN
      const { app, stack } = synthStack(context, { outdir: join(outdir, label.replace(/\W+/g, '-')) });
      const templatePath = app.synth().getStackByName(stack.stackName).templateFullPath;
      // WHEN
      const { status, output } = lint(templatePath);
      // THEN (exit code 0: no error, warning or informational finding)
      expect(output).toBe('');
      expect(status).toBe(0);
    },
    120_000,
  );
});
