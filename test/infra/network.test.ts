import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { EGRESS_ADDRESSES_OUTPUT } from '../../functions/contracts/stack-outputs.js';
import { FaspayEgress, FaspayTokenRefresher } from '../../infra/index.js';
import { ENI_ACTIONS } from '../../infra/refresher-network.js';
import { actionsOf, bareStack, resourcesOf, statementsOfRole } from './synth.js';

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

function only(template: Template, type: string, logicalIdPrefix: string): [string, Resource] {
  const found = Object.entries(template.findResources(type) as Record<string, Resource>).filter(([id]) => id.startsWith(logicalIdPrefix));
  expect(found, `${type} ${logicalIdPrefix}`).toHaveLength(1);
  return found[0]!;
}

/** Logical ids of the private (NAT-routed) subnets of the egress VPC. */
function privateSubnetIds(template: Template): string[] {
  return Object.keys(template.findResources('AWS::EC2::Subnet'))
    .filter((id) => id.includes('PrivateSubnet'))
    .sort();
}

describe('FaspayEgress and a refresher in its private subnets', () => {
  let stack: Stack;
  let template: Template;
  let egress: FaspayEgress;

  beforeAll(() => {
    // GIVEN an egress with the default single NAT WHEN the refresher is placed in it
    stack = bareStack();
    egress = new FaspayEgress(stack, 'Egress');
    new FaspayTokenRefresher(stack, 'Refresher', { vpc: egress.vpc });
    template = Template.fromStack(stack);
  });

  it('runs the function in the private subnets with egress, with a security group of its own', () => {
    const [, fn] = only(template, 'AWS::Lambda::Function', 'RefresherFunction');
    const [groupId] = only(template, 'AWS::EC2::SecurityGroup', 'RefresherSecurityGroup');
    const vpcConfig = fn.Properties.VpcConfig as { SubnetIds: { Ref: string }[]; SecurityGroupIds: unknown[] };
    expect(vpcConfig.SubnetIds.map((s) => s.Ref).sort()).toEqual(privateSubnetIds(template));
    expect(vpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
  });

  it("gives the function's security group no ingress and only HTTPS out", () => {
    const [, group] = only(template, 'AWS::EC2::SecurityGroup', 'RefresherSecurityGroup');
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS to Faspay and the AWS APIs', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  it('gives the role exactly the ENI actions (no managed policy, no log wildcard)', () => {
    const [, role] = only(template, 'AWS::IAM::Role', 'RefresherFunctionRole');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const eni = statementsOfRole(template, 'RefresherFunctionRole').filter((s) => actionsOf(s).some((a) => a.startsWith('ec2:')));
    expect(eni.map((s) => ({ actions: actionsOf(s).sort(), resources: resourcesOf(s) }))).toEqual([
      { actions: [...ENI_ACTIONS].sort(), resources: ['*'] },
    ]);
    const logs = statementsOfRole(template, 'RefresherFunctionRole').filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    for (const statement of logs) expect(resourcesOf(statement)).not.toContain('*');
  });

  it('creates one NAT gateway whose Elastic IP is retained on delete and on replacement', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const [eipId, eip] = only(template, 'AWS::EC2::EIP', 'EgressVpcPublicSubnet1EIP');
    expect(eip.DeletionPolicy).toBe('Retain');
    expect(eip.UpdateReplacePolicy).toBe('Retain');
    template.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: { 'Fn::GetAtt': [eipId, 'AllocationId'] } });
    expect(egress.createdElasticIps).toHaveLength(1);
  });

  it('outputs the addresses to whitelist under the documented key, one line', () => {
    const outputs = template.findOutputs(EGRESS_ADDRESSES_OUTPUT);
    const [eipId] = only(template, 'AWS::EC2::EIP', 'EgressVpcPublicSubnet1EIP');
    expect(outputs[EGRESS_ADDRESSES_OUTPUT]!.Value).toEqual({ Ref: eipId });
  });

  it('uses no lookup: synth records no missing context', () => {
    expect(stack.node.root.node.tryGetContext('availability-zones')).toBeUndefined();
    const assembly = (stack.node.root as unknown as { synth(): { manifest: { missing?: unknown[] } } }).synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  it('exposes the placement, so a payout function calls from the same egress', () => {
    // GIVEN a refresher in an egress
    const stack = bareStack();
    const refresher = new FaspayTokenRefresher(stack, 'Refresher', { vpc: new FaspayEgress(stack, 'Egress').vpc });
    // WHEN a payout function is spread the refresher's placement
    const payout = new lambda.Function(stack, 'Payout', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      ...refresher.placement!,
    });
    payout.connections.allowTo(refresher, ec2.Port.tcp(443), 'connections work both ways');
    // THEN it sits in the same private subnets
    const payoutTemplate = Template.fromStack(stack);
    payoutTemplate.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    const [, fn] = only(payoutTemplate, 'AWS::Lambda::Function', 'Payout');
    const subnets = (fn.Properties.VpcConfig as { SubnetIds: { Ref: string }[] }).SubnetIds.map((s) => s.Ref).sort();
    expect(subnets).toEqual(privateSubnetIds(payoutTemplate));
  });
});

describe('FaspayEgress options', () => {
  it('two NAT gateways with existing Elastic IPs: no EIP created, the given addresses output in zone order', () => {
    // GIVEN
    const stack = bareStack();
    // WHEN
    new FaspayEgress(stack, 'Egress', {
      natGateways: 2,
      elasticIps: [
        { allocationId: 'eipalloc-0123456789abcdef0', address: '203.0.113.10' },
        { allocationId: 'eipalloc-0fedcba9876543210', address: '203.0.113.11' },
      ],
    });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: 'eipalloc-0123456789abcdef0' });
    template.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: 'eipalloc-0fedcba9876543210' });
    expect(template.findOutputs(EGRESS_ADDRESSES_OUTPUT)[EGRESS_ADDRESSES_OUTPUT]!.Value).toBe('203.0.113.10, 203.0.113.11');
  });

  it('interface endpoints for SSM, Secrets Manager and EventBridge only when asked, in the private subnets', () => {
    const stack = bareStack();
    new FaspayEgress(stack, 'Egress', { interfaceEndpoints: true });
    const template = Template.fromStack(stack);
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint') as Record<string, Resource>);
    expect(endpoints.map((e) => JSON.stringify(e.Properties.ServiceName)).sort()).toEqual(
      ['events', 'secretsmanager', 'ssm'].map((service) => expect.stringContaining(`.${service}"`)),
    );
    for (const endpoint of endpoints) {
      expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
      expect((endpoint.Properties.SubnetIds as { Ref: string }[]).map((s) => s.Ref).sort()).toEqual(privateSubnetIds(template));
    }
    const none = bareStack();
    new FaspayEgress(none, 'Egress');
    Template.fromStack(none).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it.each([
    [{ natGateways: 3 }, /natGateways must be 1 or 2/],
    [{ natGateways: 2, elasticIps: [{ allocationId: 'eipalloc-0123456789abcdef0', address: '203.0.113.10' }] }, /one Elastic IP per NAT/],
    [{ elasticIps: [{ allocationId: 'eip-1', address: '203.0.113.10' }] }, /not an allocation id/],
    [{ elasticIps: [{ allocationId: 'eipalloc-0123456789abcdef0', address: '203.0.113.300' }] }, /not an IPv4 address/],
    [{ availabilityZones: ['ap-southeast-3a'] }, /must name 2 zones/],
  ])('rejects %j at synth', (props, message) => {
    expect(() => new FaspayEgress(bareStack(), 'Egress', props)).toThrow(message);
  });
});

describe('FaspayTokenRefresher network props', () => {
  it('uses the given security groups and subnets instead of its own', () => {
    // GIVEN a VPC and a security group of the platform team
    const stack = bareStack();
    const egress = new FaspayEgress(stack, 'Egress');
    const platformGroup = new ec2.SecurityGroup(stack, 'PlatformGroup', { vpc: egress.vpc, allowAllOutbound: false });
    // WHEN
    new FaspayTokenRefresher(stack, 'Refresher', {
      vpc: egress.vpc,
      vpcSubnets: { subnets: [egress.vpc.privateSubnets[1]!] },
      securityGroups: [platformGroup],
    });
    // THEN
    const template = Template.fromStack(stack);
    const [groupId] = only(template, 'AWS::EC2::SecurityGroup', 'PlatformGroup');
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [groupId, 'GroupId'] }],
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^EgressVpcPrivateSubnet2') }],
      },
    });
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup')).filter((id) => id.startsWith('Refresher'))).toEqual([]);
  });

  it('without a VPC: no VpcConfig, no ENI actions, no placement, and connections throws', () => {
    const stack = bareStack();
    const refresher = new FaspayTokenRefresher(stack, 'Refresher');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
    expect(
      statementsOfRole(template, 'RefresherFunctionRole')
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('ec2:')),
    ).toEqual([]);
    expect(refresher.placement).toBeUndefined();
    expect(() => refresher.connections).toThrow(/VPC/);
  });

  it('rejects vpcSubnets or securityGroups without vpc, naming the prop', () => {
    const stack = bareStack();
    expect(() => new FaspayTokenRefresher(stack, 'A', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } })).toThrow(
      /vpcSubnets needs vpc/,
    );
  });
});
