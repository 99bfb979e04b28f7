import { parseArgs } from 'node:util';
import { runSimulation, SIMULATION_DEFAULTS, type SimulationOptions } from './engine.js';
import { formatReport } from './report.js';

const FLAGS = {
  days: 'days',
  seed: 'seed',
  'failure-rate': 'failureRate',
  'outages-per-day': 'outagesPerDay',
  'max-outage-minutes': 'maxOutageMinutes',
  consumers: 'consumers',
} as const satisfies Record<string, keyof SimulationOptions>;

const USAGE = `Usage: npm run simulate -- [options]

Runs the refresher on its deployed schedule through simulated Faspay failures on a virtual clock
and reports tokens issued, failed requests and what consumers were handed.

Options:
  --days N                 simulated days (default ${SIMULATION_DEFAULTS.days})
  --seed N                 random seed; the same seed gives the same report (default ${SIMULATION_DEFAULTS.seed})
  --failure-rate R         share of requests that fail outside outages, 0 to 1 (default ${SIMULATION_DEFAULTS.failureRate})
  --outages-per-day N      expected outages a day (default ${SIMULATION_DEFAULTS.outagesPerDay})
  --max-outage-minutes N   longest outage (default ${SIMULATION_DEFAULTS.maxOutageMinutes})
  --consumers N            consumer containers reading the token (default ${SIMULATION_DEFAULTS.consumers})
  --json                   print the report as JSON
  --help                   this text

Exit codes: 0 the bar is met, 1 it is not (more than 1.3 tokens per day per minimum, an expired
token handed out, or a consumer read with no valid token), 2 bad options.`;

const LIMITS: Readonly<Record<keyof typeof FLAGS, [number, number]>> = {
  days: [1, 3650],
  seed: [0, 2 ** 32 - 1],
  'failure-rate': [0, 1],
  'outages-per-day': [0, 48],
  'max-outage-minutes': [SIMULATION_DEFAULTS.minOutageMinutes, 24 * 60],
  consumers: [0, 100],
};

function parseOptions(argv: readonly string[]): { options: Partial<SimulationOptions>; json: boolean; help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      days: { type: 'string' },
      seed: { type: 'string' },
      'failure-rate': { type: 'string' },
      'outages-per-day': { type: 'string' },
      'max-outage-minutes': { type: 'string' },
      consumers: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const options: Partial<SimulationOptions> = {};
  for (const [flag, field] of Object.entries(FLAGS) as [keyof typeof FLAGS, keyof SimulationOptions][]) {
    const text = values[flag];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    const [min, max] = LIMITS[flag];
    const whole = flag !== 'failure-rate' && flag !== 'outages-per-day';
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
      throw new RangeError(`--${flag} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${text}"`);
    }
    options[field] = value;
  }
  return { options, json: values.json === true, help: values.help === true };
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const report = await runSimulation(parsed.options);
  process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  return report.problems.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
