import type { Template } from 'aws-cdk-lib/assertions';

/** Where the template is deployed: the pseudo parameters the evaluation resolves ARNs with. */
export interface Deployment {
  readonly account: string;
  readonly region: string;
  /**
   * Physical values for `Ref` / `Fn::GetAtt … Arn` of resources that exist in moto (the secret, the
   * key); every other resource gets a deterministic name derived from its logical id.
   */
  readonly physical: Readonly<Record<string, string>>;
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: unknown[];
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const isTemplate = (value: Template | Resources): value is Template => typeof value.toJSON === 'function';

/** The one resource of `type` whose logical id starts with `prefix`. */
export function logicalIdOf(template: Template | Resources, type: string, prefix: string): string {
  const resources = isTemplate(template) ? (template.toJSON() as { Resources: Resources }).Resources : template;
  const ids = Object.keys(resources).filter((id) => id.startsWith(prefix) && resources[id]?.Type === type);
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${ids.length}`);
  return ids[0]!;
}

/**
 * The synthesized template with its intrinsics resolved for one deployment, so its policies name the
 * same concrete ARNs as the requests the deployed code makes.
 */
export class ResolvedTemplate {
  private readonly resources: Resources;

  constructor(
    template: Template,
    readonly deployment: Deployment,
  ) {
    this.resources = (template.toJSON() as { Resources: Resources }).Resources;
  }

  logicalId(type: string, prefix: string): string {
    return logicalIdOf(this.resources, type, prefix);
  }

  /** The ARN `Fn::GetAtt [logicalId, Arn]` resolves to. */
  arnOf(logicalId: string): string {
    return this.resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] }) as string;
  }

  /** Every identity policy (AWS::IAM::Policy, the role's inline and managed policies) of the role. */
  identityPolicies(roleLogicalId: string): { name: string; policy: PolicyDocument }[] {
    const role = this.resources[roleLogicalId];
    if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not an AWS::IAM::Role`);
    const attached = Object.entries(this.resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      .filter(([, r]) => ((r.Properties?.Roles ?? []) as { Ref?: string }[]).some((ref) => ref.Ref === roleLogicalId))
      .map(([id, r]) => ({ name: id, policy: this.resolve(r.Properties?.PolicyDocument) as PolicyDocument }));
    const inline = ((role.Properties?.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]).map((p) => ({
      name: p.PolicyName,
      policy: this.resolve(p.PolicyDocument) as PolicyDocument,
    }));
    if ((role.Properties?.ManagedPolicyArns as unknown[] | undefined)?.length) {
      throw new Error(`${roleLogicalId} has AWS managed policies: the evaluation cannot read them`);
    }
    return [...attached, ...inline];
  }

  /** The key policy of an AWS::KMS::Key in this template. */
  keyPolicy(keyLogicalId: string): PolicyDocument {
    return this.resolve(this.resources[keyLogicalId]?.Properties?.KeyPolicy) as PolicyDocument;
  }

  /** The function's resource policy: its AWS::Lambda::Permission resources as the statements Lambda stores. */
  functionPolicy(functionLogicalId: string): PolicyDocument {
    const functionArn = this.arnOf(functionLogicalId);
    const statements = Object.values(this.resources)
      .filter((r) => r.Type === 'AWS::Lambda::Permission')
      .map((r) => this.resolve(r.Properties) as { Action: string; FunctionName: string; Principal: string; SourceArn?: string })
      .filter((p) => p.FunctionName === functionArn)
      .map((p) => ({
        Effect: 'Allow',
        Principal: p.Principal.endsWith('.amazonaws.com') ? { Service: p.Principal } : { AWS: p.Principal },
        Action: p.Action,
        Resource: functionArn,
        ...(p.SourceArn === undefined ? {} : { Condition: { ArnLike: { 'AWS:SourceArn': p.SourceArn } } }),
      }));
    return { Version: '2012-10-17', Statement: statements };
  }

  /** The function's environment as deployed (what its code parses at a cold start). */
  environment(functionLogicalId: string): Record<string, string> {
    const variables = (this.resources[functionLogicalId]?.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables;
    return this.resolve(variables ?? {}) as Record<string, string>;
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if ('Ref' in record) return this.ref(String(record.Ref));
    if ('Fn::GetAtt' in record) {
      const [id, attribute] = record['Fn::GetAtt'] as [string, string];
      if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
      return this.physicalArn(id);
    }
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => String(this.resolve(part))).join(separator);
    }
    const unresolved = Object.keys(record).find((key) => key.startsWith('Fn::'));
    if (unresolved !== undefined) throw new Error(`cannot resolve ${unresolved}`);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, this.resolve(item)]));
  }

  private ref(name: string): string {
    const { account, region } = this.deployment;
    const pseudo: Record<string, string> = {
      'AWS::AccountId': account,
      'AWS::Region': region,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (name in pseudo) return pseudo[name]!;
    const type = this.resources[name]?.Type;
    // Ref of these types is their ARN; of a role or a function, their name.
    if (type === 'AWS::SecretsManager::Secret' || type === 'AWS::SNS::Topic') return this.physicalArn(name);
    if (type === 'AWS::IAM::Role' || type === 'AWS::Lambda::Function') return name;
    const given = this.deployment.physical[name];
    if (given !== undefined) return given;
    throw new Error(`cannot resolve Ref ${name} (${type ?? 'not in the template'})`);
  }

  private physicalArn(logicalId: string): string {
    const given = this.deployment.physical[logicalId];
    if (given !== undefined) return given;
    const { account, region } = this.deployment;
    const type = this.resources[logicalId]?.Type;
    switch (type) {
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${account}:function:${logicalId}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${account}:${logicalId}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:${account}:log-group:${logicalId}:*`;
      case 'AWS::Events::Rule':
        return `arn:aws:events:${region}:${account}:rule/${logicalId}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${account}:role/${logicalId}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${logicalId}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${region}:${account}:key/${logicalId}`;
      default:
        throw new Error(`no physical ARN for ${logicalId} (${type ?? 'not in the template'}): give it in Deployment.physical`);
    }
  }
}
