import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ConfigError } from '../functions/shared/config-error.js';

/** The network props of the construct: the names, types and meaning of `lambda.FunctionOptions`. */
export interface RefresherNetworkProps {
  /**
   * VPC to run the function in, for example `FaspayEgress.vpc`: Faspay then sees its calls come from
   * the VPC's NAT addresses, the ones you whitelist.
   * @default - no VPC: the function calls out from Lambda's own, changing addresses
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Where in the VPC the function's network interfaces go. Only with `vpc`.
   * @default - the private subnets with egress (through a NAT)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the function. Only with `vpc`.
   * @default - one of its own: no ingress, and out only HTTPS (TCP 443) to anywhere
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** Where a Lambda function sits in a VPC; spread it into another function's props to use the same egress. */
export interface NetworkPlacement {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
}

/** What Lambda needs to create, find and delete the function's network interfaces (its Hyperplane ENIs). */
export const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const;

export function checkNetworkProps(props: RefresherNetworkProps): void {
  if (props.vpc !== undefined) return;
  for (const prop of ['vpcSubnets', 'securityGroups'] as const) {
    if (props[prop] !== undefined)
      throw new ConfigError(`${prop} needs vpc: pass the VPC the function should run in (for example FaspayEgress.vpc)`);
  }
}

/**
 * The function options that place it in the VPC (none without one). Without given security groups
 * the function gets one of its own, HTTPS out only. The role gets the ENI actions, in the same
 * statement that AWS's managed policy AWSLambdaVPCAccessExecutionRole holds, without that policy's
 * permission to write to every log group.
 */
export function networkOptions(
  scope: Construct,
  props: RefresherNetworkProps,
  role: iam.IRole,
): Pick<lambda.FunctionOptions, 'vpc' | 'vpcSubnets' | 'securityGroups'> & { placement?: NetworkPlacement } {
  const { vpc } = props;
  if (vpc === undefined) return {};
  const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  const securityGroups = props.securityGroups ?? [httpsOnlySecurityGroup(scope, vpc)];
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'LambdaManagesTheFunctionsNetworkInterfaces',
      actions: [...ENI_ACTIONS],
      // Lambda checks these on every resource when it creates the function; the Describe actions
      // have no resource-level permissions at all.
      resources: ['*'],
    }),
  );
  return { vpc, vpcSubnets, securityGroups, placement: { vpc, vpcSubnets } };
}

function httpsOnlySecurityGroup(scope: Construct, vpc: ec2.IVpc): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: 'Faspay token refresher: no ingress; out only HTTPS (Faspay and the AWS APIs)',
    allowAllOutbound: false,
  });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Faspay and the AWS APIs');
  return group;
}
