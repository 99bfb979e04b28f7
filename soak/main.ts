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
  'consumer-call-seconds': 'consumerReadSeconds',
  'busy-consumers': 'busyConsumers',
  'busy-call-seconds': 'busyReadSeconds',
  'misconfigured-consumers': 'misconfiguredConsumers',
  'reissues-per-day': 'reissuesPerDay',
  'forced-reissues-per-day': 'forcedReissuesPerDay',
  'crashed-runs-per-day': 'crashedRunsPerDay',
  'token-lifetime': 'tokenLifetimeSeconds',
  'rejection-cooldown': 'rejectionCooldownSeconds',
  'async-retries': 'functionAsyncRetryAttempts',
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
  --consumer-call-seconds N  how often each of them calls SendMe (default ${SOAK_DEFAULTS.consumerReadSeconds})
  --busy-consumers N       more consumer containers, calling more often (default ${SOAK_DEFAULTS.busyConsumers})
  --busy-call-seconds N    how often each busy one calls SendMe (default ${SOAK_DEFAULTS.busyReadSeconds})
  --misconfigured-consumers N  consumers signing in the wrong time zone: every call refused, the token fine (default ${SOAK_DEFAULTS.misconfiguredConsumers})
  --reissues-per-day N     expected outside token reissues a day (default ${SOAK_DEFAULTS.reissuesPerDay})
  --forced-reissues-per-day N  expected forced refreshes a day, each followed 2 s later by an outside reissue (default ${SOAK_DEFAULTS.forcedReissuesPerDay})
  --crashed-runs-per-day N expected runs a day that get a token from Faspay and crash holding the lease (default ${SOAK_DEFAULTS.crashedRunsPerDay})
  --token-lifetime N       Faspay's expired_in for every token, seconds (default ${SOAK_DEFAULTS.tokenLifetimeSeconds})
  --rejection-cooldown N   the refresher's REJECTION_COOLDOWN_SECONDS (default ${SOAK_DEFAULTS.rejectionCooldownSeconds})
  --async-retries N        Lambda's retries of a failed asynchronous invocation (default ${SOAK_DEFAULTS.functionAsyncRetryAttempts}, as deployed)
  --keep-earlier-tokens    Faspay keeps earlier tokens valid when it issues one (default: it revokes them)
  --json                   print the report as JSON
  --help                   this text

Exit codes: 0 the bar is met, 1 it is not (more than 1.3 scheduled tokens per day per minimum, an
expired token handed out, a consumer read with no valid token, a rejection not healed within the
cooldown + 60 s of its first report while Faspay answered or within 60 s of its replacement, a
healing token bought with nothing revoked since the last stored token, a token bought on a
misconfigured consumer's report, or none of its reports refuted), 2 bad options.`;

const LIMITS: Readonly<Record<keyof typeof FLAGS, [number, number]>> = {
  days: [1, 3650],
  seed: [0, 2 ** 32 - 1],
  'failure-rate': [0, 1],
  'outages-per-day': [0, 48],
  'max-outage-minutes': [SOAK_DEFAULTS.minOutageMinutes, 24 * 60],
  consumers: [0, 100],
  'consumer-call-seconds': [1, 3600],
  'busy-consumers': [0, 100],
  'busy-call-seconds': [1, 3600],
  'misconfigured-consumers': [0, 10],
  'reissues-per-day': [0, 1440],
  'forced-reissues-per-day': [0, 1440],
  'crashed-runs-per-day': [0, 1440],
  'token-lifetime': [60, 30 * 24 * 3600],
  'rejection-cooldown': [0, 3600],
  'async-retries': [0, 2],
};

/** Rates may be fractional (a fractional part is a probability); every other number is whole. */
const FRACTIONAL: ReadonlySet<keyof typeof FLAGS> = new Set([
  'failure-rate',
  'outages-per-day',
  'reissues-per-day',
  'forced-reissues-per-day',
  'crashed-runs-per-day',
]);

function parseOptions(argv: readonly string[]): { options: Partial<SoakOptions>; json: boolean; help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      ...(Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' }])) as Record<
        keyof typeof FLAGS,
        { type: 'string' }
      >),
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
    const whole = !FRACTIONAL.has(flag);
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
