import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_SOURCE } from '../../../functions/contracts/rejection-report.js';
import { leaseParameterName } from '../../../functions/contracts/settings.js';
import {
  type ConsumerWorld,
  expectNothingLeaked,
  resetConsumerWorld,
  startConsumerWorld,
  stopConsumerWorld,
} from '../../support/consumer-world.js';
import { MOTO_REGION, type MotoServer } from '../../support/moto.js';
import type { captureOutput } from '../../support/output-capture.js';
import { PARAMETER_NAME, SECRET_NAME } from '../../support/refresher-harness.js';
import { type Decision, decide, describe as describeRequest, type PolicySet } from './evaluate.js';
import { type IamRequest, iamRequestsOf, ssmParameterArn } from './iam-requests.js';
import { recordDeployedCalls } from './recorded-run.js';
import { customerKeyImportedSecretTemplate, defaultStackTemplate, IDS, vpcStackTemplate } from './stacks.js';
import { logicalIdOf, ResolvedTemplate } from './template-policies.js';

/**
 * IAM that is enforced, not only read: every AWS call the deployed code makes (recorded at a proxy in
 * front of moto) is evaluated against the synthesized template's policies by an IAM policy evaluator,
 * and must be allowed; the calls next to them, which no role needs, must be denied.
 */

const ACCOUNT = '123456789012';
const where = { account: ACCOUNT, region: MOTO_REGION };
const tokenArn = ssmParameterArn(where, PARAMETER_NAME);
const leaseArn = ssmParameterArn(where, leaseParameterName(PARAMETER_NAME));

let world: ConsumerWorld;

beforeAll(async () => {
  world = await startConsumerWorld({ revokeOnIssue: true });
});
afterAll(() => stopConsumerWorld(world));

interface Variant {
  readonly name: string;
  readonly template: () => Template;
  readonly customerKey: boolean;
  /** Whether the stack creates the secret (then its logical id resolves to moto's ARN). */
  readonly ownSecret: boolean;
  /** Whether the functions run in a VPC (then Lambda manages their network interfaces with their roles). */
  readonly inVpc: boolean;
}

const VARIANTS: Variant[] = [
  {
    name: 'the default stack (AWS managed key, the stack creates the secret)',
    template: defaultStackTemplate,
    customerKey: false,
    ownSecret: true,
    inVpc: false,
  },
  {
    name: 'a customer-managed key and an imported secret',
    template: customerKeyImportedSecretTemplate,
    customerKey: true,
    ownSecret: false,
    inVpc: false,
  },
  {
    name: 'the stack in a VPC behind a fixed egress (-c fixedEgress=true)',
    template: vpcStackTemplate,
    customerKey: false,
    ownSecret: true,
    inVpc: true,
  },
];

describe.each(VARIANTS)('IAM evaluation of $name', (variant) => {
  let resolved: ResolvedTemplate;
  let policies: PolicySet;
  let secretArn: string;
  let keyArn: string | undefined;
  let functionArn: string;
  let output: ReturnType<typeof captureOutput>;
  let tokens: string[] = [];

  const request = (caller: string, action: string, resource: string, context: Record<string, string | string[]> = {}): IamRequest => ({
    caller,
    action,
    resource,
    context,
    because: 'a neighbouring call',
  });
  const decisions = async (requests: IamRequest[]): Promise<string[]> =>
    Promise.all(requests.map(async (r) => `${await decide(policies, r)}: ${describeRequest(r)}`));
  const expectAll = async (requests: IamRequest[], decision: Decision) => {
    const answers = await decisions(requests);
    expect(answers.filter((answer) => !answer.startsWith(`${decision}:`))).toEqual([]);
    expect(answers.length).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    output = await resetConsumerWorld(world);
    const secrets = new SecretsManagerClient(world.moto.clientConfig);
    secretArn = (await secrets.send(new DescribeSecretCommand({ SecretId: SECRET_NAME }))).ARN!;
    const template = variant.template();
    const physical: Record<string, string> = {};
    if (variant.ownSecret) physical[logicalIdOf(template, 'AWS::SecretsManager::Secret', IDS.credentialsSecret)] = secretArn;
    if (variant.customerKey) {
      const created = await createKey(world.moto);
      keyArn = created;
      physical[logicalIdOf(template, 'AWS::KMS::Key', IDS.tokenKey)] = created;
    }
    resolved = new ResolvedTemplate(template, { ...where, physical });
    const fnId = resolved.logicalId('AWS::Lambda::Function', IDS.refresherFunction);
    functionArn = resolved.arnOf(fnId);
    const role = (prefix: string) => {
      const id = resolved.logicalId('AWS::IAM::Role', prefix);
      return { kind: 'role' as const, roleName: id, identityPolicies: resolved.identityPolicies(id) };
    };
    const keyId = variant.customerKey ? resolved.logicalId('AWS::KMS::Key', IDS.tokenKey) : undefined;
    policies = {
      account: ACCOUNT,
      principals: {
        refresher: role(IDS.refresherRole),
        consumer: role(IDS.consumerRole),
        scheduler: role(IDS.scheduleRole),
        events: { kind: 'service', service: 'events.amazonaws.com' },
      },
      resourcePolicyOf: (arn) => {
        if (arn === functionArn) return resolved.functionPolicy(fnId);
        if (keyId !== undefined && arn === keyArn) return resolved.keyPolicy(keyId);
        return undefined;
      },
    };
  });

  afterAll(() => expectNothingLeaked(output, tokens));

  it('allows every AWS call the refresher and the consumer make in a refresh, a signed call and a rejection report', async () => {
    const run = await recordDeployedCalls(world, {
      refresher: resolved.environment(resolved.logicalId('AWS::Lambda::Function', IDS.refresherFunction)),
      consumer: resolved.environment(resolved.logicalId('AWS::Lambda::Function', IDS.consumerFunction)),
    });
    tokens = run.tokens;
    const requests = iamRequestsOf(run.calls, {
      ...where,
      secretArn: (id) => (secretArn.startsWith(partialSecretArn(id)) ? secretArn : id),
    });

    await expectAll(requests, 'Allowed');
    const seen = new Set(requests.map((r) => `${r.caller} ${r.action} ${r.resource}`));
    const expected = [
      `refresher ssm:GetParameter ${tokenArn}`,
      `refresher ssm:PutParameter ${tokenArn}`,
      `refresher ssm:PutParameter ${leaseArn}`,
      `refresher ssm:DeleteParameter ${leaseArn}`,
      `refresher secretsmanager:GetSecretValue ${secretArn}`,
      `consumer ssm:GetParameter ${tokenArn}`,
      `consumer secretsmanager:GetSecretValue ${secretArn}`,
      `consumer events:PutEvents arn:aws:events:${MOTO_REGION}:${ACCOUNT}:event-bus/default`,
      ...(keyArn === undefined
        ? []
        : [`refresher kms:Encrypt ${keyArn}`, `refresher kms:Decrypt ${keyArn}`, `consumer kms:Decrypt ${keyArn}`]),
    ];
    expect(expected.filter((call) => !seen.has(call))).toEqual([]);
  });

  it('denies the neighbouring calls: the consumer writing the token or touching the lease, the refresher reading others', async () => {
    const otherParameter = ssmParameterArn(where, '/faspay/sendme/other');
    const otherSecret = `arn:aws:secretsmanager:${MOTO_REGION}:${ACCOUNT}:secret:faspay/sendme/other-AbCdEf`;
    const viaSsm = { 'kms:ViaService': `ssm.${MOTO_REGION}.amazonaws.com`, 'kms:EncryptionContext:PARAMETER_ARN': tokenArn };
    await expectAll(
      [
        request('consumer', 'ssm:PutParameter', tokenArn),
        request('consumer', 'ssm:DeleteParameter', tokenArn),
        request('consumer', 'ssm:GetParameter', leaseArn),
        request('consumer', 'ssm:PutParameter', leaseArn),
        request('consumer', 'ssm:DeleteParameter', leaseArn),
        request('consumer', 'events:PutEvents', `arn:aws:events:${MOTO_REGION}:${ACCOUNT}:event-bus/default`, {
          'events:source': [REJECTION_REPORT_SOURCE, 'someone.else'],
          'events:detail-type': [REJECTION_REPORT_DETAIL_TYPE, REJECTION_REPORT_DETAIL_TYPE],
        }),
        request('consumer', 'events:PutEvents', `arn:aws:events:${MOTO_REGION}:${ACCOUNT}:event-bus/default`),
        request('consumer', 'events:PutEvents', `arn:aws:events:${MOTO_REGION}:${ACCOUNT}:event-bus/another`, {
          'events:source': [REJECTION_REPORT_SOURCE],
          'events:detail-type': [REJECTION_REPORT_DETAIL_TYPE],
        }),
        request('refresher', 'ssm:DeleteParameter', tokenArn),
        request('refresher', 'ssm:GetParameterHistory', leaseArn),
        request('refresher', 'ssm:GetParameter', otherParameter),
        request('refresher', 'ssm:PutParameter', otherParameter),
        request('refresher', 'secretsmanager:GetSecretValue', otherSecret),
        request('refresher', 'events:PutEvents', `arn:aws:events:${MOTO_REGION}:${ACCOUNT}:event-bus/default`, {
          'events:source': [REJECTION_REPORT_SOURCE],
          'events:detail-type': [REJECTION_REPORT_DETAIL_TYPE],
        }),
        ...(keyArn === undefined
          ? []
          : [
              request('consumer', 'kms:Decrypt', keyArn),
              request('consumer', 'kms:Encrypt', keyArn, viaSsm),
              request('refresher', 'kms:Decrypt', keyArn),
              request('refresher', 'kms:Decrypt', keyArn, { ...viaSsm, 'kms:ViaService': `secretsmanager.${MOTO_REGION}.amazonaws.com` }),
            ]),
      ],
      'ImplicitlyDenied',
    );
  });

  it('lets Lambda manage the network interfaces of a function in a VPC with its role, and nothing more of the VPC', async () => {
    const ec2Arn = (kind: string, id: string) => `arn:aws:ec2:${MOTO_REGION}:${ACCOUNT}:${kind}/${id}`;
    // What the Lambda service does with a VPC function's role when it creates, scales and deletes its ENIs.
    const eni = ec2Arn('network-interface', 'eni-0123456789abcdef0');
    const eniCalls = (caller: string) =>
      (
        [
          ['ec2:CreateNetworkInterface', ec2Arn('subnet', 'subnet-0123456789abcdef0')],
          ['ec2:CreateNetworkInterface', ec2Arn('security-group', 'sg-0123456789abcdef0')],
          ['ec2:CreateNetworkInterface', ec2Arn('network-interface', '*')],
          ['ec2:DescribeNetworkInterfaces', '*'],
          ['ec2:DescribeSubnets', '*'],
          ['ec2:DeleteNetworkInterface', eni],
          ['ec2:AssignPrivateIpAddresses', eni],
          ['ec2:UnassignPrivateIpAddresses', eni],
        ] as const
      ).map(([action, resource]) => ({ ...request(caller, action, resource), because: "Lambda managing the function's ENIs" }));
    // Outside a VPC no role needs them.
    await expectAll([...eniCalls('refresher'), ...eniCalls('consumer')], variant.inVpc ? 'Allowed' : 'ImplicitlyDenied');
    const group = ec2Arn('security-group', 'sg-0123456789abcdef0');
    await expectAll(
      [
        ...eniCalls('scheduler'),
        request('refresher', 'ec2:AuthorizeSecurityGroupIngress', group),
        request('refresher', 'ec2:AuthorizeSecurityGroupEgress', group),
        request('consumer', 'ec2:ModifyNetworkInterfaceAttribute', eni),
        request('refresher', 'ec2:CreateRoute', ec2Arn('route-table', 'rtb-0123456789abcdef0')),
        request('refresher', 'ec2:DisassociateAddress', '*'),
      ],
      'ImplicitlyDenied',
    );
  });

  it('lets only the schedule and the rejection-report rule invoke the function, and Lambda write each function its logs', async () => {
    const ruleArn = resolved.arnOf(resolved.logicalId('AWS::Events::Rule', IDS.rejectionRule));
    const queueArn = resolved.arnOf(resolved.logicalId('AWS::SQS::Queue', IDS.deadLetterQueue));
    // What the Lambda service does with each function's role: a stream of the function's own log group.
    const logStream = (prefix: string) =>
      `${resolved.arnOf(resolved.logicalId('AWS::Logs::LogGroup', prefix)).replace(/:\*$/, '')}:log-stream:2026/12/07/[$LATEST]0123abcd`;
    const logCalls = (caller: string, prefix: string) =>
      ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => request(caller, action, logStream(prefix)));
    await expectAll(
      [
        ...logCalls('refresher', 'RefresherLogGroup'),
        ...logCalls('consumer', 'ExampleConsumerLogGroup'),
        request('scheduler', 'lambda:InvokeFunction', functionArn),
        request('scheduler', 'sqs:SendMessage', queueArn),
        request('events', 'lambda:InvokeFunction', functionArn, { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': ACCOUNT }),
      ],
      'Allowed',
    );
    await expectAll(
      [
        request('consumer', 'lambda:InvokeFunction', functionArn),
        request('refresher', 'lambda:InvokeFunction', functionArn),
        request('events', 'lambda:InvokeFunction', functionArn, {
          'aws:SourceArn': `arn:aws:events:${MOTO_REGION}:${ACCOUNT}:rule/another-rule`,
          'aws:SourceAccount': ACCOUNT,
        }),
        request('scheduler', 'ssm:GetParameter', tokenArn),
        ...logCalls('consumer', 'RefresherLogGroup'),
      ],
      'ImplicitlyDenied',
    );
  });
});

/** A secret named by name or ARN, as the prefix of its full ARN. */
function partialSecretArn(secretId: string): string {
  return secretId.startsWith('arn:') ? secretId : `arn:aws:secretsmanager:${MOTO_REGION}:${ACCOUNT}:secret:${secretId}`;
}

/** KMS CreateKey through its JSON protocol (the project has no KMS client; moto does not check signatures). */
async function createKey(moto: MotoServer): Promise<string> {
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'TrentService.CreateKey',
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${MOTO_REGION}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Description: 'customer-managed key of the token parameter' }),
  });
  if (!response.ok) throw new Error(`KMS CreateKey answered HTTP ${response.status}`);
  return ((await response.json()) as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
}
