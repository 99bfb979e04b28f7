/**
 * `npm run bench:bill`: the monthly bill of each configuration at ap-southeast-3 list prices,
 * computed from the synthesized templates (bench/lib/monthly-bill.ts); docs/go-live.md shows the
 * same table and test/infra/monthly-bill.test.ts keeps the two equal.
 */
import { billConfigurations } from './lib/bill-configurations.js';
import { PRICES_AS_OF, REGION, renderBills } from './lib/monthly-bill.js';

const bills = billConfigurations();
const unpriced = bills.filter(({ bill }) => bill.unpriced.length > 0);
if (unpriced.length > 0) {
  for (const { name, bill } of unpriced) process.stderr.write(`${name}: no price for ${bill.unpriced.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(
  [
    '## `npm run bench:bill`',
    '',
    `The monthly bill of each configuration, item by item, at ${REGION} list prices written down on ${PRICES_AS_OF} (before any free tier; check them before budgeting). What each line means: [docs/go-live.md](../docs/go-live.md#the-monthly-bill).`,
    '',
    renderBills(bills),
    '',
  ].join('\n'),
);
