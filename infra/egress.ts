import { CfnOutput, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { EGRESS_ADDRESSES_OUTPUT } from '../functions/contracts/stack-outputs.js';
import { ConfigError } from '../functions/shared/config-error.js';
import { validateProps } from './validation.js';

/** An Elastic IP that exists already (for example one Faspay has whitelisted). */
export interface ExistingElasticIp {
  /** `eipalloc-0123456789abcdef0` */
  readonly allocationId: string;
  /** Its address, `203.0.113.10`: CloudFormation cannot read it from the allocation. */
  readonly address: string;
}

export interface FaspayEgressProps {
  /**
   * NAT gateways, one per availability zone: 1 is one address to whitelist (a zone outage stops
   * the egress), 2 keep calling through a zone outage (two addresses to whitelist).
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * Existing Elastic IPs for the NAT gateways, one per NAT gateway, in zone order. Without them
   * the construct creates them and keeps them (RETAIN) when the stack or a NAT gateway goes away:
   * pass the kept ones here to deploy the egress again with the same addresses.
   * @default - new Elastic IPs, retained
   */
  readonly elasticIps?: ExistingElasticIp[];
  /**
   * The two availability zones of the subnets. Given or derived without a lookup: the stack's
   * own (Fn::GetAZs) in an environment-agnostic stack, `<region>a` and `<region>b` otherwise.
   * @default - see above
   */
  readonly availabilityZones?: string[];
  /**
   * Interface endpoints for SSM, Secrets Manager and EventBridge in the private subnets, so that
   * those AWS calls stay off the NAT. Each costs per zone-hour and per GB (docs/go-live.md#the-monthly-bill).
   * @default false - AWS API calls go through the NAT
   */
  readonly interfaceEndpoints?: boolean;
  /**
   * The VPC's IPv4 range (each of the four subnets takes a quarter of it).
   * @default '10.64.0.0/16'
   */
  readonly cidr?: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ALLOCATION_ID = /^eipalloc-[0-9a-f]{8,17}$/;
const AZ_COUNT = 2;
const DEFAULT_CIDR = '10.64.0.0/16';

/**
 * A fixed egress for calls to Faspay: a VPC with public subnets, private subnets with egress, and
 * NAT gateway(s) whose Elastic IPs survive a redeploy, a NAT replacement and a stack deletion.
 * Put the refresher (`vpc: egress.vpc`) and the payout functions in its private subnets, and send
 * the addresses of the stack output `EgressAddresses` to Faspay to whitelist.
 */
export class FaspayEgress extends Construct {
  /** The VPC, typed as its interface so that it passes where CDK asks for one under `exactOptionalPropertyTypes`. */
  public readonly vpc: ec2.IVpc;
  /** The private subnets with egress through the NAT gateway(s): where Faspay callers go. */
  public readonly privateSubnets: ec2.SubnetSelection;
  /** The addresses Faspay sees, one per NAT gateway (tokens until deploy when created here). */
  public readonly egressAddresses: string[];
  /** The Elastic IPs created here (retained); empty when `elasticIps` were given. */
  public readonly createdElasticIps: ec2.CfnEIP[];

  constructor(scope: Construct, id: string, props: FaspayEgressProps = {}) {
    super(scope, id);
    const { natGateways, elasticIps } = validateProps(this, () => checkEgressProps(props));
    const stack = Stack.of(this);
    const availabilityZones =
      props.availabilityZones ??
      (Token.isUnresolved(stack.region) ? stack.availabilityZones.slice(0, AZ_COUNT) : ['a', 'b'].map((zone) => `${stack.region}${zone}`));
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? DEFAULT_CIDR),
      availabilityZones,
      natGateways,
      ...(elasticIps === undefined
        ? {}
        : { natGatewayProvider: ec2.NatProvider.gateway({ eipAllocationIds: elasticIps.map((eip) => eip.allocationId) }) }),
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      // The default security group is left unused (every function here has its own); restricting it
      // takes a custom-resource Lambda in the stack.
      restrictDefaultSecurityGroup: false,
    });
    this.privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    // In an ec2.Vpc, each NAT gateway's Elastic IP is the CfnEIP child `EIP` of its public subnet.
    this.createdElasticIps = this.vpc.publicSubnets
      .map((subnet) => subnet.node.tryFindChild('EIP'))
      .filter((child): child is ec2.CfnEIP => child instanceof ec2.CfnEIP);
    for (const eip of this.createdElasticIps) eip.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.egressAddresses = elasticIps?.map((eip) => eip.address) ?? this.createdElasticIps.map((eip) => eip.ref);
    if (props.interfaceEndpoints === true) this.addInterfaceEndpoints(props.cidr ?? DEFAULT_CIDR);

    new CfnOutput(this, 'Addresses', {
      key: EGRESS_ADDRESSES_OUTPUT,
      value: Fn.join(', ', this.egressAddresses),
      description: 'Fixed egress addresses to whitelist at Faspay (paste this line into the request)',
    });
    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        "This VPC only carries outbound HTTPS from Lambda functions through the NAT; flow logs are the VPC owner's " +
        'choice and cost (add them with egress.vpc.addFlowLog(...)).',
    });
  }

  private addInterfaceEndpoints(cidr: string): void {
    // One group for the three endpoints: HTTPS in from this VPC's range (a literal, so that it can be checked).
    const securityGroups = [
      new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: this.vpc,
        description: 'Interface endpoints of the Faspay egress: HTTPS from inside the VPC only',
        allowAllOutbound: false,
      }),
    ];
    securityGroups[0]!.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    const services = {
      Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
    };
    for (const [id, service] of Object.entries(services)) {
      this.vpc.addInterfaceEndpoint(id, { service, subnets: this.privateSubnets, privateDnsEnabled: true, securityGroups, open: false });
    }
  }
}

function checkEgressProps(props: FaspayEgressProps): { natGateways: number; elasticIps?: ExistingElasticIp[] } {
  const natGateways = props.natGateways ?? 1;
  if (!Number.isInteger(natGateways) || natGateways < 1 || natGateways > AZ_COUNT) {
    throw new ConfigError(`natGateways must be 1 or ${AZ_COUNT} (one per availability zone), got ${natGateways}`);
  }
  if (props.availabilityZones !== undefined && props.availabilityZones.length !== AZ_COUNT) {
    throw new ConfigError(`availabilityZones must name ${AZ_COUNT} zones, got ${props.availabilityZones.length}`);
  }
  const { elasticIps } = props;
  if (elasticIps === undefined) return { natGateways };
  if (elasticIps.length !== natGateways) {
    throw new ConfigError(`elasticIps must hold one Elastic IP per NAT gateway (${natGateways}), got ${elasticIps.length}`);
  }
  for (const { allocationId, address } of elasticIps) {
    if (!ALLOCATION_ID.test(allocationId))
      throw new ConfigError(`elasticIps: "${allocationId}" is not an allocation id such as eipalloc-0123456789abcdef0`);
    if (!IPV4.test(address)) throw new ConfigError(`elasticIps: "${address}" is not an IPv4 address such as 203.0.113.10`);
  }
  return { natGateways, elasticIps };
}
