import { Fn, type Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ConfigError } from '../functions/shared/config-error.js';
import { type ExistingElasticIp, FaspayEgress } from './egress.js';
import type { RefresherNetworkProps } from './refresher-network.js';

/*
 * Where the standalone stack runs the function, read from CDK context without lookups: outside a
 * VPC (the default), in an existing VPC given by ids, or behind a new fixed egress (FaspayEgress).
 */

export type NetworkConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'existingVpc'; readonly vpcId: string; readonly subnetIds: string[] }
  | {
      readonly kind: 'fixedEgress';
      readonly natGateways: number;
      readonly elasticIps?: ExistingElasticIp[];
      readonly interfaceEndpoints: boolean;
    };

/** The network context keys and their defaults as written in cdk.json (undefined: optional). */
export const NETWORK_CONTEXT_DEFAULTS = {
  vpcId: undefined,
  vpcSubnetIds: undefined,
  fixedEgress: false,
  egressNatGateways: undefined,
  egressElasticIps: undefined,
  egressEndpoints: undefined,
} as const;

type NetworkKey = keyof typeof NETWORK_CONTEXT_DEFAULTS;

export interface ContextReader {
  text(key: NetworkKey): string | undefined;
  boolean(key: NetworkKey, value: string): boolean;
}

export function readNetworkConfig(read: ContextReader): NetworkConfig {
  const vpcId = read.text('vpcId');
  const subnetIds = read.text('vpcSubnetIds');
  const fixedEgress = read.boolean('fixedEgress', read.text('fixedEgress') ?? 'false');
  const egressKeys = (['egressNatGateways', 'egressElasticIps', 'egressEndpoints'] as const).filter((key) => read.text(key) !== undefined);
  if (!fixedEgress && egressKeys.length > 0) throw networkError(`${egressKeys.join(', ')} need(s) -c fixedEgress=true`);
  if (fixedEgress && (vpcId !== undefined || subnetIds !== undefined)) {
    throw networkError('fixedEgress creates its own VPC: give either -c fixedEgress=true or -c vpcId=... -c vpcSubnetIds=..., not both');
  }
  if (fixedEgress) {
    const natGateways = Number(read.text('egressNatGateways') ?? '1');
    if (natGateways !== 1 && natGateways !== 2)
      throw networkError(`context "egressNatGateways" must be 1 or 2, got "${read.text('egressNatGateways')}"`);
    const elasticIps = parseElasticIps(read.text('egressElasticIps'));
    const interfaceEndpoints = read.boolean('egressEndpoints', read.text('egressEndpoints') ?? 'false');
    return { kind: 'fixedEgress', natGateways, ...(elasticIps === undefined ? {} : { elasticIps }), interfaceEndpoints };
  }
  if (vpcId === undefined && subnetIds === undefined) return { kind: 'none' };
  if (vpcId === undefined || subnetIds === undefined)
    throw networkError('an existing VPC needs both -c vpcId=vpc-... and -c vpcSubnetIds=subnet-...,subnet-...');
  if (!/^vpc-[0-9a-f]{8,17}$/.test(vpcId))
    throw networkError(`context "vpcId" must be a VPC id such as vpc-0123456789abcdef0, got "${vpcId}"`);
  const ids = list(subnetIds);
  const bad = ids.find((id) => !/^subnet-[0-9a-f]{8,17}$/.test(id));
  if (bad !== undefined || ids.length === 0) {
    throw networkError(
      `context "vpcSubnetIds" must list subnet ids such as subnet-0123456789abcdef0,subnet-0fedcba9876543210, got "${subnetIds}"`,
    );
  }
  return { kind: 'existingVpc', vpcId, subnetIds: ids };
}

/** `eipalloc-0abc...=203.0.113.10,eipalloc-0def...=203.0.113.11`: the egress construct checks each pair. */
function parseElasticIps(value: string | undefined): ExistingElasticIp[] | undefined {
  if (value === undefined) return undefined;
  return list(value).map((pair) => {
    const [allocationId, address, ...rest] = pair.split('=').map((part) => part.trim());
    if (allocationId === undefined || address === undefined || rest.length > 0) {
      throw networkError(
        `context "egressElasticIps" must list allocationId=address pairs such as eipalloc-0123456789abcdef0=203.0.113.10, got "${value}"`,
      );
    }
    return { allocationId, address };
  });
}

/** The construct's network props for the configuration; creates the egress or imports the VPC in `stack`. */
export function createStackNetwork(stack: Stack, config: NetworkConfig): RefresherNetworkProps {
  switch (config.kind) {
    case 'none':
      return {};
    case 'existingVpc': {
      // Imported by ids, so that synth needs no account. The function only needs the subnets, given
      // explicitly; the zones are the region's (nothing here selects subnets by zone).
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: config.vpcId, availabilityZones: Token.asList(Fn.getAzs()) });
      const subnets = config.subnetIds.map((id) => ec2.Subnet.fromSubnetId(stack, `Subnet-${id}`, id));
      return { vpc, vpcSubnets: { subnets } };
    }
    case 'fixedEgress': {
      const egress = new FaspayEgress(stack, 'Egress', {
        natGateways: config.natGateways,
        ...(config.elasticIps === undefined ? {} : { elasticIps: config.elasticIps }),
        interfaceEndpoints: config.interfaceEndpoints,
      });
      return { vpc: egress.vpc, vpcSubnets: egress.privateSubnets };
    }
  }
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function networkError(message: string): ConfigError {
  return new ConfigError(message.startsWith('context') ? message : `context: ${message}`);
}
