import { COMMON_OPTIONS, type OptionSpecs, parseCommandArgs } from './args.js';
import type { CliIo } from './io.js';

/** One subcommand: its own options, help and run; resolves to the exit code. */
export interface Command {
  readonly name: string;
  readonly help: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** The parsed values of a command's own options and the common ones (--json, --help). */
export type CommandArgs<Options extends OptionSpecs> = ReturnType<typeof parseCommandArgs<Options & typeof COMMON_OPTIONS>>;

/**
 * The command `name` taking `options` (and the common ones) and answering --help with `help`. `run`
 * receives the options parsed strictly: an unknown flag is a usage error that points at the help.
 */
export function defineCommand<const Options extends OptionSpecs>(
  name: string,
  options: Options,
  help: string,
  run: (args: CommandArgs<Options>, io: CliIo) => Promise<number>,
): Command {
  const allOptions = { ...options, ...COMMON_OPTIONS };
  return { name, help, run: (argv, io) => run(parseCommandArgs(name, argv, allOptions), io) };
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
