import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

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
    throw new UsageError(`${describeParseError(error)} (see: ${command} --help)`);
  }
}

function describeParseError(error: unknown): string {
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
      return `option ${flag ?? ''} needs a value`;
    default:
      return message.split('\n')[0] ?? 'invalid arguments';
  }
}

/** A whole number within bounds, for flags such as --port. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** A duration such as `15m`, `1h30m`, `90s` or a plain number of seconds; returns seconds. */
export function parseDuration(flag: string, text: string): number {
  const match = DURATION.exec(text);
  if (/^\d+$/.test(text)) return Number(text);
  if (text === '' || match === null) {
    throw new UsageError(`${flag} must be a duration such as 15m, 1h30m, 90s or 900 (seconds), got "${text}"`);
  }
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
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
