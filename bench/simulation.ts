/**
 * The long-run simulation's figures: the default 30-day run in full, then the headline figures of
 * more seeds and of harsher weather, with the wall time each took.
 * Run: npm run bench:simulation (also part of npm run bench). Prints a Markdown section.
 */
import { fileURLToPath } from 'node:url';
import { runSimulation, type SimulationOptions, type SimulationReport } from '../simulation/engine.js';
import { formatReport } from '../simulation/report.js';
import { ms } from './lib/stats.js';

const VARIANTS: readonly Partial<SimulationOptions>[] = [
  { seed: 2 },
  { seed: 3 },
  { seed: 4 },
  { seed: 5 },
  { failureRate: 0.5, outagesPerDay: 3, seed: 1 },
  { days: 365, seed: 1 },
];

async function timed(options: Partial<SimulationOptions>): Promise<{ report: SimulationReport; wallMs: number }> {
  const start = performance.now();
  const report = await runSimulation(options);
  return { report, wallMs: performance.now() - start };
}

export async function runSimulationBench() {
  const main = await timed({});
  const variants = [];
  for (const options of VARIANTS) variants.push({ options, ...(await timed(options)) });
  return { main, variants };
}

function format({ main, variants }: Awaited<ReturnType<typeof runSimulationBench>>): string {
  const describe = (options: Partial<SimulationOptions>) =>
    Object.entries(options)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
  return [
    '## Long-run simulation',
    '',
    `\`npm run simulate\` (defaults; ${ms(main.wallMs)} of wall time):`,
    '',
    formatReport(main.report),
    '',
    'Other seeds and harsher weather (`npm run simulate -- --seed N --failure-rate R --outages-per-day N --days N`):',
    '',
    '| run | tokens/day per minimum | failed requests/day | longest < 1 h held (min) | least left (min) | expired handed out | failed reads | wall time |',
    '|---|---|---|---|---|---|---|---|',
    ...variants.map(({ options, report: r, wallMs }) =>
      `| ${describe(options)} | ${r.tokens.perMinimum.toFixed(3)} | ${r.faspay.failedPerDay.toFixed(2)} | ${r.consumers.longestUnderAnHourMinutes.toFixed(1)} | ` +
      `${r.consumers.minRemainingMinutes.toFixed(1)} | ${r.consumers.expiredHandedOut} | ${Object.values(r.consumers.failedReads).reduce((a, b) => a + b, 0)} | ${ms(wallMs)} |`,
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${format(await runSimulationBench())}\n`);
}
