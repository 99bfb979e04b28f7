import { parseArgs } from 'node:util';
import { runSoak } from './engine.js';
import { SOAK_DEFAULTS, type SoakOptions } from './options.js';
import { formatReport } from './report.js';

type NumericOption = { [K in keyof SoakOptions]: SoakOptions[K] extends number ? K : never }[keyof SoakOptions];

const FLAGS = {
  days: 'days',
  seed: 'seed',
  'failure-rate': 'failureRate',
  'outages-per-day': 'outagesPerDay',
  'max-outage-minutes': 'maxOutageMinutes',
  consumers: 'consumers',
  'reissues-per-day': 'reissuesPerDay',
  'rejection-cooldown': 'rejectionCooldownSeconds',
} as const satisfies Record<string, NumericOption>;

const USAGE = `Usage: npm run simulate -- [options]

The soak run: the refresher on its deployed schedule through simulated Faspay failures and outside
token reissues, on a virtual clock, with consumers calling SendMe and reporting refused tokens;
reports tokens issued, failed requests, what consumers were handed and how fast rejections healed.

Options:
  --days N                 simulated days (default ${SOAK_DEFAULTS.days})
  --seed N                 random seed; the same seed gives the same report (default ${SOAK_DEFAULTS.seed})
  --failure-rate R         share of requests that fail outside outages, 0 to 1 (default ${SOAK_DEFAULTS.failureRate})
  --outages-per-day N      expected outages a day (default ${SOAK_DEFAULTS.outagesPerDay})
  --max-outage-minutes N   longest outage (default ${SOAK_DEFAULTS.maxOutageMinutes})
  --consumers N            consumer containers reading the token (default ${SOAK_DEFAULTS.consumers})
  --reissues-per-day N     expected outside token reissues a day (default ${SOAK_DEFAULTS.reissuesPerDay})
  --rejection-cooldown N   the refresher's REJECTION_COOLDOWN_SECONDS (default ${SOAK_DEFAULTS.rejectionCooldownSeconds})
  --keep-earlier-tokens    Faspay keeps earlier tokens valid when it issues one (default: it revokes them)
  --json                   print the report as JSON
  --help                   this text

Exit codes: 0 the bar is met, 1 it is not (more than 1.3 scheduled tokens per day per minimum, an
expired token handed out, a consumer read with no valid token, a rejection not healed within 60 s
of its first report while Faspay answered, or a healing token bought with nothing revoked since the
last stored token), 2 bad options.`;

const LIMITS: Readonly<Record<keyof typeof FLAGS, [number, number]>> = {
  days: [1, 3650],
  seed: [0, 2 ** 32 - 1],
  'failure-rate': [0, 1],
  'outages-per-day': [0, 48],
  'max-outage-minutes': [SOAK_DEFAULTS.minOutageMinutes, 24 * 60],
  consumers: [0, 100],
  'reissues-per-day': [0, 1440],
  'rejection-cooldown': [0, 3600],
};

function parseOptions(argv: readonly string[]): { options: Partial<SoakOptions>; json: boolean; help: boolean } {
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
      'reissues-per-day': { type: 'string' },
      'rejection-cooldown': { type: 'string' },
      'keep-earlier-tokens': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const options: Partial<SoakOptions> = {};
  for (const [flag, field] of Object.entries(FLAGS) as [keyof typeof FLAGS, NumericOption][]) {
    const text = values[flag];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    const [min, max] = LIMITS[flag];
    const whole = flag !== 'failure-rate' && flag !== 'outages-per-day' && flag !== 'reissues-per-day';
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
      throw new RangeError(`--${flag} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${text}"`);
    }
    options[field] = value;
  }
  if (values['keep-earlier-tokens'] === true) options.revokeOnIssue = false;
  return { options, json: values.json === true, help: values.help === true };
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
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
  const report = await runSoak(parsed.options);
  process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  return report.problems.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
