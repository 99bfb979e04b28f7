import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { FaspayTokenRefresher } from '../../infra/index.js';
import { bareStack, synthStack } from '../../test/infra/synth.js';
import { type Bill, monthlyBill } from './monthly-bill.js';

export interface TemplateJson {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** The configurations docs/go-live.md prices, each synthesized as a user would deploy it. */
export const BILL_CONFIGURATIONS: { readonly name: string; readonly template: () => Template }[] = [
  { name: 'default', template: () => synthStack().template },
  {
    name: 'customer-managed key',
    template: () => {
      const stack = bareStack();
      new FaspayTokenRefresher(stack, 'Refresher', { tokenParameterKey: new kms.Key(stack, 'TokenKey', { enableKeyRotation: true }) });
      return Template.fromStack(stack);
    },
  },
  { name: 'VPC, 1 NAT', template: () => synthStack({ fixedEgress: 'true' }).template },
  { name: 'VPC, 2 NATs', template: () => synthStack({ fixedEgress: 'true', egressNatGateways: '2' }).template },
  { name: 'VPC, 1 NAT, endpoints', template: () => synthStack({ fixedEgress: 'true', egressEndpoints: 'true' }).template },
];

/** Each configuration's template and bill. */
export function billConfigurations(): { name: string; template: TemplateJson; bill: Bill }[] {
  return BILL_CONFIGURATIONS.map(({ name, template }) => {
    const json = template().toJSON() as TemplateJson;
    return { name, template: json, bill: monthlyBill(json) };
  });
}
