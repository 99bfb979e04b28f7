import { beforeAll, describe, expect, it } from 'vitest';
import { billConfigurations } from '../../bench/lib/bill-configurations.js';
import { type Bill, monthlyBill, PRICE, PRICES_BY_TYPE, renderBills } from '../../bench/lib/monthly-bill.js';
import { readDoc } from '../docs/doc-blocks.js';

describe('the monthly bill of each configuration', () => {
  let bills: { name: string; bill: Bill }[];
  let usedTypes: Set<string>;

  beforeAll(() => {
    const configurations = billConfigurations();
    bills = configurations.map(({ name, bill }) => ({ name, bill }));
    usedTypes = new Set(configurations.flatMap(({ template }) => Object.values(template.Resources).map((r) => r.Type)));
  });

  it('prices every resource type of every configuration (a new type needs its price or the reason it is free)', () => {
    for (const { name, bill } of bills) expect(bill.unpriced, name).toEqual([]);
  });

  it('notices a resource type without a price', () => {
    const bill = monthlyBill({ Resources: { Cache: { Type: 'AWS::ElastiCache::CacheCluster' }, Key: { Type: 'AWS::KMS::Key' } } });
    expect(bill.unpriced).toEqual(['AWS::ElastiCache::CacheCluster']);
    expect(bill.total).toBe(PRICE.kmsKeyMonth);
  });

  it('counts what each configuration adds: the key, each NAT with its address, each endpoint per zone', () => {
    const total = (name: string): number => bills.find((b) => b.name === name)!.bill.total;
    const nat = 730 * (PRICE.natGatewayHour + PRICE.publicIpv4Hour);
    expect(total('customer-managed key') - total('default')).toBeCloseTo(PRICE.kmsKeyMonth, 6);
    expect(total('VPC, 1 NAT') - total('default')).toBeCloseTo(nat, 6);
    expect(total('VPC, 2 NATs') - total('VPC, 1 NAT')).toBeCloseTo(nat, 6);
    expect(total('VPC, 1 NAT, endpoints') - total('VPC, 1 NAT')).toBeCloseTo(3 * 2 * 730 * PRICE.interfaceEndpointAzHour, 6);
  });

  it('is the table docs/go-live.md shows', () => {
    expect(readDoc('docs/go-live.md')).toContain(renderBills(bills));
  });

  it('has no entry for a type that no configuration uses and that is not documented as possible', () => {
    const possibleOnly = ['AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress', 'AWS::SNS::Subscription'];
    expect(Object.keys(PRICES_BY_TYPE).filter((type) => !usedTypes.has(type) && !possibleOnly.includes(type))).toEqual([]);
  });
});
