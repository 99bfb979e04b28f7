/**
 * The figures of SECURITY.md, computed from the synthesized CloudFormation template (bundling
 * skipped, as `cdk synth` would produce it otherwise): per IAM role the actions and resources it is
 * granted, every resource that is not one exact ARN, the resource policies, KMS keys, and cdk-nag's
 * AwsSolutions findings and acknowledgements.
 * Run: npm run bench:security (also part of npm run bench). Prints a Markdown section.
 */

import { fileURLToPath } from 'node:url';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flatten, synthStack } from '../test/infra/synth.js';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

type Resource = { readonly Type: string; readonly Properties: Record<string, unknown> };

const VARIANTS: readonly [string, Record<string, string>][] = [
  ['defaults (cdk.json)', {}],
  [
    'kmsKeyArn + imported secret',
    {
      kmsKeyArn: 'arn:aws:kms:ap-southeast-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      credentialsSecretName: 'faspay/sendme/prod',
    },
  ],
  ['deployExampleConsumer', { deployExampleConsumer: 'true' }],
];

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** Anything but one exact resource: `*`, or a pattern with `*` or `?` in it. */
const isPattern = (resource: string) => /[*?]/.test(resource.replace(/\$\{[^}]*\}/g, ''));

function principalText(principal: unknown): string {
  if (typeof principal === 'string') return principal;
  return Object.entries((principal ?? {}) as Record<string, unknown>)
    .map(([kind, value]) => `${kind} ${list(value).map(flatten).join(', ')}`)
    .join('; ');
}

function conditionText(condition: unknown): string {
  return Object.entries(condition as Record<string, Record<string, unknown>>)
    .flatMap(([operator, pairs]) =>
      Object.entries(pairs).map(([key, value]) => `${operator} ${key} = ${list(value).map(flatten).join(', ')}`),
    )
    .join(' and ');
}

function census(overrides: Record<string, string>) {
  const { app, template } = synthStack(overrides);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const roles = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::IAM::Role');
  const policies = Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Policy');
  const perRole = roles.map(([id, role]) => {
    const statements = policies
      .filter((policy) => list(policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === id))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const allow = statements.filter((statement) => statement.Effect === 'Allow');
    const actions = new Set(allow.flatMap((statement) => list(statement.Action)));
    const granted = new Set(allow.flatMap((statement) => list(statement.Resource).map(flatten)));
    const patterns = allow.flatMap((statement) =>
      list(statement.Resource)
        .map(flatten)
        .filter(isPattern)
        .map((resource) => `${list(statement.Action).join(', ')} on \`${resource}\``),
    );
    return {
      role: id,
      description: String(role.Properties.Description ?? ''),
      managedPolicies: list(role.Properties.ManagedPolicyArns).length,
      inlinePolicies: list(role.Properties.Policies).length,
      statements: allow.length,
      actions: [...actions].sort(),
      resources: granted.size,
      patterns,
    };
  });
  const resourcePolicies = Object.entries(resources)
    .filter(([, resource]) => ['AWS::KMS::Key', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'].includes(resource.Type))
    .map(([id, resource]) => {
      const document = (resource.Properties.KeyPolicy ?? resource.Properties.PolicyDocument) as { Statement: Statement[] };
      return {
        id,
        type: resource.Type,
        statements: document.Statement.map(
          (s) =>
            `${s.Effect} ${list(s.Action).join(', ')} to ${principalText(s.Principal)}${s.Condition === undefined ? '' : ` when ${conditionText(s.Condition)}`}`,
        ),
      };
    });
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
  const acknowledged = app.node
    .findAll()
    .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>));
  const kmsKeys = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::KMS::Key')
    .map((key) => ({
      description: String(key.Properties.Description ?? ''),
      rotation: key.Properties.EnableKeyRotation === true,
    }));
  return {
    perRole,
    resourcePolicies,
    nag: { errors: report.violations.filter((v) => v.severity === 'error').length, findings: report.violations.length, acknowledged },
    kmsKeys,
  };
}

export function runSecurityCensus() {
  return VARIANTS.map(([name, overrides]) => ({ name, ...census(overrides) }));
}

function format(variants: ReturnType<typeof runSecurityCensus>): string {
  const lines = ['## Security census of the synthesized stack', ''];
  lines.push('| stack | role | statements | actions | resources | not one exact ARN | managed policies |', '|---|---|---|---|---|---|---|');
  for (const variant of variants) {
    for (const role of variant.perRole) {
      lines.push(
        `| ${variant.name} | ${role.role} | ${role.statements} | ${role.actions.length}: ${role.actions.map((a) => `\`${a}\``).join(' ')} | ${role.resources} | ${role.patterns.length === 0 ? 'none' : role.patterns.join('; ')} | ${role.managedPolicies + role.inlinePolicies} |`,
      );
    }
  }
  lines.push(
    '',
    '| stack | cdk-nag AwsSolutions findings (errors) | acknowledged, each with a reason | KMS keys created |',
    '|---|---|---|---|',
  );
  for (const variant of variants) {
    lines.push(
      `| ${variant.name} | ${variant.nag.findings} (${variant.nag.errors}) | ${variant.nag.acknowledged.length}: ${variant.nag.acknowledged.map((id) => id.replace('Annotation::', '')).join(', ')} | ${variant.kmsKeys.map((k) => `${k.description} (rotation ${k.rotation ? 'on' : 'off'})`).join('; ') || 'none'} |`,
    );
  }
  lines.push('', 'Resource policies (default stack):', '');
  for (const policy of variants[0]!.resourcePolicies) {
    for (const statement of policy.statements) lines.push(`- ${policy.type} ${policy.id}: ${statement}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${format(runSecurityCensus())}\n`);
}
