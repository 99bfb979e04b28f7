/**
 * The soak run's figures: the default 30-day run in full, then one line per run of the done-when
 * set (default and busy fleet, 30 days, seeds 1–5; 365 days for seed 1) and of each mishap alone
 * (bench/lib/soak-scenarios.ts), with the wall time each took.
 * Run: npm run bench:soak (also part of npm run bench). Prints a Markdown section.
 *   --only default:1,fleet:2:365   these runs only (scenario:seed[:days]), without the full default report
 *   --save FILE                    also append each run's figures to FILE (JSON lines) as it ends
 *   --before FILE                  print each figure as "before → now", before taken from FILE
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runSoak } from '../soak/engine.js';
import { formatReport } from '../soak/report.js';
import {
  formatRow,
  nameOf,
  optionsOf,
  ROW_HEADER,
  rowOf,
  SCENARIOS,
  type ScenarioName,
  SOAK_RUNS,
  type SoakRow,
  type SoakRun,
} from './lib/soak-scenarios.js';
import { ms } from './lib/stats.js';

function runsOf(only: string | undefined): readonly SoakRun[] {
  if (only === undefined) return SOAK_RUNS;
  return only.split(',').map((text) => {
    const [scenario, seed = '1', days] = text.split(':');
    if (!(scenario! in SCENARIOS)) throw new RangeError(`unknown scenario "${scenario}": ${Object.keys(SCENARIOS).join(', ')}`);
    return { scenario: scenario as ScenarioName, seed: Number(seed), ...(days === undefined ? {} : { days: Number(days) }) };
  });
}

export async function runSoakBench(options: { only?: string; save?: string } = {}) {
  const start = performance.now();
  const main = options.only === undefined ? await runSoak({}) : undefined;
  const mainWallMs = performance.now() - start;
  const rows: SoakRow[] = [];
  for (const run of runsOf(options.only)) {
    const begun = performance.now();
    const row = rowOf(run, await runSoak(optionsOf(run)), performance.now() - begun);
    if (options.save !== undefined) appendFileSync(options.save, `${JSON.stringify(row)}\n`);
    process.stderr.write(`${nameOf(run)}: ${(row.wallMs / 1000).toFixed(0)} s\n`);
    rows.push(row);
  }
  return { main, mainWallMs, rows };
}

function format({ main, mainWallMs, rows }: Awaited<ReturnType<typeof runSoakBench>>, before: ReadonlyMap<string, SoakRow>): string {
  const scenarios = Object.entries(SCENARIOS)
    .map(([name, options]) => `\`${name}\` ${Object.keys(options).length === 0 ? '(defaults)' : `\`${JSON.stringify(options)}\``}`)
    .join('; ');
  return [
    '## Soak run',
    '',
    ...(main === undefined ? [] : [`\`npm run simulate\` (defaults; ${ms(mainWallMs)} of wall time):`, '', formatReport(main), '']),
    `Scenarios (bench/lib/soak-scenarios.ts, each an \`npm run simulate\` option set): ${scenarios}.` +
      (before.size === 0 ? '' : ' Each figure reads "before → now".'),
    '',
    ...ROW_HEADER,
    ...rows.map((row) => formatRow(row, before.get(row.run))),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, save: { type: 'string' }, before: { type: 'string' } },
    strict: true,
  });
  const before = new Map<string, SoakRow>(
    values.before === undefined
      ? []
      : readFileSync(values.before, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as SoakRow)
          .map((row) => [row.run, row]),
  );
  const only = values.only;
  const save = values.save;
  const bench = await runSoakBench({ ...(only === undefined ? {} : { only }), ...(save === undefined ? {} : { save }) });
  process.stdout.write(`${format(bench, before)}\n`);
}
