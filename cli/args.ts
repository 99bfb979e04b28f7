import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError } from '../functions/shared/config-error.js';
import { checkWholeNumber, parseDurationSeconds } from '../functions/shared/validators.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../functions/token/index.js';
import { UsageError } from './errors.js';
import { formatSpan } from './format.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes (`--help` is answered by the dispatcher before parsing). */
export const COMMON_OPTIONS = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * `util.parseArgs` in strict mode, with its errors turned into usage errors that name the flag and
 * point at the subcommand's help.
 */
export function parseCommandArgs<const Options extends OptionSpecs>(command: string, argv: readonly string[], options: Options) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${describeParseError(error, argv)} (see: ${command} --help)`);
  }
}

/** A value that looks like a negative number or duration (`-1`, `-5m`), not like an option. */
const NEGATIVE = /^-\d/;

function describeParseError(error: unknown, argv: readonly string[]): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  const argument = /argument '([^']*)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${argument ?? ''}": this command takes options only`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('does not take an argument')) return `option ${flag ?? ''} does not take a value`;
      return missingValue(flag ?? '', argv);
    default:
      return message.split('\n')[0] ?? 'invalid arguments';
  }
}

/**
 * parseArgs takes a value that starts with "-" for the next option, so `--port -1` arrives as "no
 * value". Name a negative value as such; anything else really is a missing value.
 */
function missingValue(flag: string, argv: readonly string[]): string {
  const at = argv.indexOf(flag);
  const next = at < 0 ? undefined : argv[at + 1];
  if (next !== undefined && NEGATIVE.test(next)) return `${flag} must not be negative, got "${next}"`;
  if (next?.startsWith('-')) return `option ${flag} needs a value (got the option ${next} instead)`;
  return `option ${flag} needs a value`;
}

/** A whole number within bounds, for flags such as --port. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  return asUsage(() => checkWholeNumber(flag, text, min, max));
}

/** A duration such as `15m`, `1h30m`, `90s` or a plain number of seconds; returns seconds. */
export function parseDuration(flag: string, text: string): number {
  return asUsage(() => parseDurationSeconds(flag, text));
}

/**
 * A duration within [minSeconds, maxSeconds]. Checked while parsing, so that a value the run could
 * only fail on later (a 49h token lifetime that the refresher would refuse) is a usage error.
 */
export function parseDurationWithin(flag: string, text: string, minSeconds: number, maxSeconds: number): number {
  const seconds = parseDuration(flag, text);
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw new UsageError(`${flag} must be from ${formatSpan(minSeconds)} to ${formatSpan(maxSeconds)}, got "${text}" (${seconds} s)`);
  }
  return seconds;
}

/**
 * The `--token-lifetime` of the simulator's tokens (`simulator`, `local`), in seconds. From 2 s, not
 * the 1 s the refresher accepts from Faspay: times are stored in whole seconds, so a 1 s token can
 * be expired by the time it is stored, and no consumer could use it. To 48 h, the longest the
 * refresher accepts (a longer expired_in would only be refused later).
 */
export const SIMULATED_TOKEN_LIFETIME = { minSeconds: 2, maxSeconds: MAX_TOKEN_LIFETIME_SECONDS } as const;

/** `--token-lifetime`: a duration within SIMULATED_TOKEN_LIFETIME, in seconds. */
export function parseTokenLifetime(text: string): number {
  return parseDurationWithin('--token-lifetime', text, SIMULATED_TOKEN_LIFETIME.minSeconds, SIMULATED_TOKEN_LIFETIME.maxSeconds);
}

/** The range of `--token-lifetime` as its help writes it. */
export const TOKEN_LIFETIME_RANGE_TEXT = `${SIMULATED_TOKEN_LIFETIME.minSeconds}s to ${SIMULATED_TOKEN_LIFETIME.maxSeconds / 3600}h`;

/** The shared validators name the flag already; on the command line their failure is a usage error (exit 2). */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Value of a string flag, else of an environment variable, else undefined (blank counts as unset). */
export function flagOrEnv(
  value: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  variable: string,
): string | undefined {
  const chosen = value ?? env[variable];
  return chosen === undefined || chosen.trim() === '' ? undefined : chosen.trim();
}
