import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_URL_OUTPUT, EGRESS_ADDRESSES_OUTPUT } from '../../functions/contracts/stack-outputs.js';
import { synthStack } from './synth.js';

const VPC_ID = 'vpc-0123456789abcdef0';
const SUBNETS = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'];

describe('the standalone stack network context', () => {
  it('runs outside a VPC by default, with no egress output', () => {
    const { template } = synthStack();
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
    template.resourceCountIs('AWS::EC2::VPC', 0);
    expect(Object.keys(template.findOutputs(EGRESS_ADDRESSES_OUTPUT))).toEqual([]);
  });

  it('vpcId and vpcSubnetIds place the function in those subnets of an existing VPC, by ids (no lookup)', () => {
    // WHEN
    const { app, template } = synthStack({ vpcId: VPC_ID, vpcSubnetIds: SUBNETS.join(', ') });
    // THEN
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: SUBNETS,
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^RefresherSecurityGroup'), 'GroupId'] }],
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: VPC_ID });
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });

  it('fixedEgress creates the egress (one NAT, a retained EIP) and outputs its address; the example consumer joins it', () => {
    // WHEN
    const { template } = synthStack({ fixedEgress: 'true', deployExampleConsumer: 'true' });
    // THEN
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResource('AWS::EC2::EIP', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(template.findOutputs(EGRESS_ADDRESSES_OUTPUT)[EGRESS_ADDRESSES_OUTPUT]!.Value).toEqual({
      Ref: expect.stringMatching(/^EgressVpcPublicSubnet1EIP/),
    });
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    expect(functions.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['ExampleConsumerFunction', 'RefresherFunction']);
    for (const [, fn] of functions) {
      const subnets = (fn.Properties.VpcConfig.SubnetIds as { Ref: string }[]).map((s) => s.Ref);
      expect(subnets.every((s) => s.startsWith('EgressVpcPrivateSubnet'))).toBe(true);
    }
  });

  it('fixedEgress with two NATs, existing Elastic IPs and endpoints', () => {
    const { template } = synthStack({
      fixedEgress: true,
      egressNatGateways: 2,
      egressElasticIps: 'eipalloc-0123456789abcdef0=203.0.113.10,eipalloc-0fedcba9876543210=203.0.113.11',
      egressEndpoints: 'true',
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 3);
    expect(template.findOutputs(EGRESS_ADDRESSES_OUTPUT)[EGRESS_ADDRESSES_OUTPUT]!.Value).toBe('203.0.113.10, 203.0.113.11');
  });

  it('dashboard=false drops the dashboard and its output', () => {
    const { template } = synthStack({ dashboard: 'false' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(Object.keys(template.findOutputs(DASHBOARD_URL_OUTPUT))).toEqual([]);
  });

  it.each([
    [{ vpcId: VPC_ID }, /needs both/],
    [{ vpcSubnetIds: SUBNETS[0] }, /needs both/],
    [{ vpcId: 'vpc-1', vpcSubnetIds: SUBNETS[0] }, /"vpcId" must be a VPC id/],
    [{ vpcId: VPC_ID, vpcSubnetIds: 'subnet-1' }, /"vpcSubnetIds" must list subnet ids/],
    [{ fixedEgress: 'true', vpcId: VPC_ID, vpcSubnetIds: SUBNETS[0] }, /not both/],
    [{ egressNatGateways: '2' }, /need\(s\) -c fixedEgress=true/],
    [{ fixedEgress: 'true', egressNatGateways: '3' }, /"egressNatGateways" must be 1 or 2/],
    [{ fixedEgress: 'true', egressElasticIps: '203.0.113.10' }, /allocationId=address pairs/],
    [{ fixedEgress: 'true', egressElasticIps: 'eipalloc-0123456789abcdef0=203.0.113.999' }, /not an IPv4 address/],
    [{ fixedEgress: 'yes' }, /"fixedEgress" must be true or false/],
  ])('rejects %j with a message that names the key', (context, message) => {
    expect(() => synthStack(context)).toThrow(message);
  });
});
