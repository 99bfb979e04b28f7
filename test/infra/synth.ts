import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addRefresherStack, type FaspayTokenRefresherStack } from '../../infra/stack.js';

/** The "context" block of cdk.json: the feature flags and defaults `cdk synth` uses. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: FaspayTokenRefresherStack;
  readonly template: Template;
}

/**
 * Builds the app as `cdk synth` does (cdk.json context plus `overrides`, like `-c key=value`).
 * Bundling is skipped unless `bundle` is set: most tests only read the template.
 */
export function synthStack(overrides: Record<string, unknown> = {}, options: { bundle?: boolean; outdir?: string } = {}): Synthesized {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...overrides,
    },
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  });
  const stack = addRefresherStack(app);
  return { app, stack, template: Template.fromStack(stack) };
}

/** An empty stack in a fresh app with cdk.json's feature flags, for construct-level tests. */
export function bareStack(): Stack {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'TestStack');
}

/**
 * Renders a resolved CloudFormation value as one string, pseudo parameters and references shown as
 * `${AWS::Region}` / `${Logical.Attr}`, so ARNs can be compared as text.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('Ref' in record) return `\${${String(record.Ref)}}`;
    if ('Fn::GetAtt' in record) return `\${${(record['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    if ('Fn::Sub' in record) return String(record['Fn::Sub']);
  }
  return JSON.stringify(value);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of every AWS::IAM::Policy attached to the role with this logical id prefix. */
export function statementsOfRole(template: Template, roleLogicalIdPrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref.startsWith(roleLogicalIdPrefix)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function actionsOf(statement: Statement): string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

export function resourcesOf(statement: Statement): string[] {
  const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return resources.map(flatten);
}
