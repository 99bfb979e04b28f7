/**
 * The soak run's figures: the default 30-day run in full, then the headline figures of the same
 * weather without reissues (as the run was before it had them), of more seeds, and of harsher
 * weather, with the wall time each took.
 * Run: npm run bench:soak (also part of npm run bench). Prints a Markdown section.
 */
import { fileURLToPath } from 'node:url';
import { runSoak } from '../soak/engine.js';
import type { SoakReport } from '../soak/figures.js';
import type { SoakOptions } from '../soak/options.js';
import { formatReport } from '../soak/report.js';
import { ms } from './lib/stats.js';

const VARIANTS: readonly Partial<SoakOptions>[] = [
  { reissuesPerDay: 0, revokeOnIssue: false },
  { seed: 2 },
  { seed: 3 },
  { seed: 4 },
  { seed: 5 },
  { failureRate: 0.5, outagesPerDay: 3, seed: 1 },
  { reissuesPerDay: 24, seed: 1 },
  { days: 365, seed: 1 },
];

async function timed(options: Partial<SoakOptions>): Promise<{ report: SoakReport; wallMs: number }> {
  const start = performance.now();
  const report = await runSoak(options);
  return { report, wallMs: performance.now() - start };
}

export async function runSoakBench() {
  const main = await timed({});
  const variants = [];
  for (const options of VARIANTS) variants.push({ options, ...(await timed(options)) });
  return { main, variants };
}

function format({ main, variants }: Awaited<ReturnType<typeof runSoakBench>>): string {
  const describe = (options: Partial<SoakOptions>) =>
    Object.entries(options)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
  const sum = (record: Readonly<Record<string, number>>) => Object.values(record).reduce((a, b) => a + b, 0);
  return [
    '## Soak run',
    '',
    `\`npm run simulate\` (defaults; ${ms(main.wallMs)} of wall time):`,
    '',
    formatReport(main.report),
    '',
    'The same weather without reissues, other seeds and harsher weather (`npm run simulate -- --seed N --failure-rate R --outages-per-day N ' +
      '--reissues-per-day N --keep-earlier-tokens --days N`); the first row is the run as it was before it had reissues:',
    '',
    '| run | scheduled tokens/day per minimum | failed requests/day | longest < 1 h held (min) | least left (min) | expired handed out | failed reads | ' +
      'reissues | refused calls | healing tokens (with no revocation) | report to accepted, max (s) | met an outage; max without it (s) | over the limit | wall time |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...variants.map(
      ({ options, report: r, wallMs }) =>
        `| ${describe(options)} | ${r.tokens.perMinimum.toFixed(3)} | ${r.faspay.failedPerDay.toFixed(2)} | ${r.consumers.longestUnderAnHourMinutes.toFixed(1)} | ` +
        `${r.consumers.minRemainingMinutes.toFixed(1)} | ${r.consumers.expiredHandedOut} | ${sum(r.consumers.failedReads)} | ` +
        `${r.healing.outsideReissues} | ${r.consumers.calls.refused} | ${r.healing.tokensPublished} (${r.healing.tokensWithoutRevocation}) | ` +
        `${r.healing.reportToHealedSeconds.max.toFixed(1)} | ${r.healing.episodesInOutage}; ${r.healing.inOutageHealedWhileUpSeconds.max.toFixed(1)} | ${r.healing.slowHeals} | ${ms(wallMs)} |`,
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${format(await runSoakBench())}\n`);
}
