/*
 * The monthly bill of a synthesized template, item by item, at list prices for ap-southeast-3
 * (Jakarta). Every CloudFormation resource type the stack can contain has an entry: a price, or the
 * reason it costs nothing by itself. A type without an entry fails the test that synthesizes each
 * configuration (test/infra/monthly-bill.test.ts), so a new resource cannot arrive unpriced.
 */

/** When the prices below were written down. Check them in the AWS Pricing Calculator before budgeting. */
export const PRICES_AS_OF = '2026-12-07';
export const REGION = 'ap-southeast-3';
const HOURS_PER_MONTH = 730;

/** USD list prices in ap-southeast-3 (no free tier applied). */
export const PRICE = {
  natGatewayHour: 0.059,
  natGatewayGb: 0.059,
  publicIpv4Hour: 0.005,
  interfaceEndpointAzHour: 0.013,
  interfaceEndpointGb: 0.01,
  kmsKeyMonth: 1.0,
  secretMonth: 0.4,
  alarmMonth: 0.1,
  dashboardMonth: 3.0,
  customMetricMonth: 0.3,
} as const;

export interface BillItem {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthly: number;
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

type Pricing = { readonly free: string } | { readonly items: (resource: TemplateResource) => BillItem[] };

const item = (name: string, quantity: number, unit: string, unitPrice: number): BillItem => ({
  item: name,
  quantity,
  unit,
  unitPrice,
  monthly: quantity * unitPrice,
});

/** The function's metrics (functions/contracts/telemetry.ts METRIC): three per refresher, one refresher per schedule. */
const METRICS_PER_REFRESHER = 3;

export const PRICES_BY_TYPE: Record<string, Pricing> = {
  'AWS::EC2::NatGateway': { items: () => [item('NAT gateway', HOURS_PER_MONTH, 'hour', PRICE.natGatewayHour)] },
  'AWS::EC2::EIP': { items: () => [item('public IPv4 address (Elastic IP)', HOURS_PER_MONTH, 'hour', PRICE.publicIpv4Hour)] },
  'AWS::EC2::VPCEndpoint': {
    items: (resource) =>
      resource.Properties?.VpcEndpointType === 'Interface'
        ? [
            item(
              `interface endpoint ${serviceOf(resource)}`,
              HOURS_PER_MONTH * ((resource.Properties.SubnetIds as unknown[] | undefined)?.length ?? 1),
              'zone-hour',
              PRICE.interfaceEndpointAzHour,
            ),
          ]
        : [],
  },
  'AWS::KMS::Key': { items: () => [item('KMS customer managed key', 1, 'key-month', PRICE.kmsKeyMonth)] },
  'AWS::SecretsManager::Secret': { items: () => [item('Secrets Manager secret', 1, 'secret-month', PRICE.secretMonth)] },
  'AWS::CloudWatch::Alarm': { items: () => [item('CloudWatch alarm (standard)', 1, 'alarm-month', PRICE.alarmMonth)] },
  'AWS::CloudWatch::Dashboard': { items: () => [item('CloudWatch dashboard', 1, 'dashboard-month', PRICE.dashboardMonth)] },
  'AWS::Scheduler::Schedule': {
    items: () => [item("custom metrics of the refresher's runs", METRICS_PER_REFRESHER, 'metric-month', PRICE.customMetricMonth)],
  },
  'AWS::Lambda::Function': { free: 'a 15-minute schedule is 2,920 short runs a month: under USD 0.01 (and within the free tier)' },
  'AWS::Logs::LogGroup': { free: 'about 1 KB of log per run: a few MB a month, under USD 0.01' },
  'AWS::SQS::Queue': { free: 'the dead-letter queue is charged per request and stays empty' },
  'AWS::SNS::Topic': { free: 'charged per notification; alarms notify rarely' },
  'AWS::Events::Rule': { free: 'rules on the default bus are free; consumers pay USD 1 per million reports sent' },
  'AWS::EC2::VPC': { free: 'no charge' },
  'AWS::EC2::Subnet': { free: 'no charge' },
  'AWS::EC2::RouteTable': { free: 'no charge' },
  'AWS::EC2::Route': { free: 'no charge' },
  'AWS::EC2::SubnetRouteTableAssociation': { free: 'no charge' },
  'AWS::EC2::InternetGateway': { free: 'no charge (traffic through the NAT is priced there)' },
  'AWS::EC2::VPCGatewayAttachment': { free: 'no charge' },
  'AWS::EC2::SecurityGroup': { free: 'no charge' },
  'AWS::EC2::SecurityGroupIngress': { free: 'no charge' },
  'AWS::EC2::SecurityGroupEgress': { free: 'no charge' },
  'AWS::IAM::Role': { free: 'no charge' },
  'AWS::IAM::Policy': { free: 'no charge' },
  'AWS::Lambda::Permission': { free: 'no charge' },
  'AWS::Lambda::EventInvokeConfig': { free: 'no charge' },
  'AWS::SQS::QueuePolicy': { free: 'no charge' },
  'AWS::SNS::TopicPolicy': { free: 'no charge' },
  'AWS::SNS::Subscription': { free: 'email notifications: the first 1,000 a month are free' },
};

function serviceOf(resource: TemplateResource): string {
  const name = JSON.stringify(resource.Properties?.ServiceName ?? '');
  return /\.([a-z-]+)"\]\]\}"?$/.exec(name)?.[1] ?? /\.([a-z-]+)"?$/.exec(name)?.[1] ?? 'unknown';
}

export interface Bill {
  readonly items: BillItem[];
  readonly total: number;
  /** Resource types of the template with no entry in PRICES_BY_TYPE. */
  readonly unpriced: string[];
}

/** The bill of a template's resources (`Template.toJSON()`), identical items summed. */
export function monthlyBill(template: { Resources?: Record<string, TemplateResource> }): Bill {
  const byName = new Map<string, BillItem>();
  const unpriced = new Set<string>();
  for (const resource of Object.values(template.Resources ?? {})) {
    const pricing = PRICES_BY_TYPE[resource.Type];
    if (pricing === undefined) unpriced.add(resource.Type);
    if (pricing === undefined || 'free' in pricing) continue;
    for (const line of pricing.items(resource)) {
      const earlier = byName.get(line.item);
      byName.set(line.item, earlier === undefined ? line : item(line.item, earlier.quantity + line.quantity, line.unit, line.unitPrice));
    }
  }
  const items = [...byName.values()];
  return { items, total: items.reduce((sum, line) => sum + line.monthly, 0), unpriced: [...unpriced].sort() };
}

const usd = (value: number): string => value.toFixed(2);

/** The bills of several configurations as one markdown table: an item per row, a configuration per column. */
export function renderBills(bills: { name: string; bill: Bill }[]): string {
  const names = [...new Set(bills.flatMap(({ bill }) => bill.items.map((line) => line.item)))];
  const unitPrice = (name: string): BillItem => bills.flatMap(({ bill }) => bill.items).find((line) => line.item === name)!;
  const header = `| item (USD a month, ${REGION} list prices of ${PRICES_AS_OF}) | unit price | ${bills.map((b) => b.name).join(' | ')} |`;
  const rule = `|---|---:|${bills.map(() => '---:').join('|')}|`;
  const rows = names.map((name) => {
    const { unit, unitPrice: price } = unitPrice(name);
    const cells = bills.map(({ bill }) => {
      const line = bill.items.find((l) => l.item === name);
      return line === undefined ? '' : usd(line.monthly);
    });
    return `| ${name} | ${price} per ${unit} | ${cells.join(' | ')} |`;
  });
  const total = `| **total** | | ${bills.map(({ bill }) => `**${usd(bill.total)}**`).join(' | ')} |`;
  return [header, rule, ...rows, total].join('\n');
}
