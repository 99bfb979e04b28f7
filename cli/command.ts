import { COMMON_OPTIONS, type OptionSpecs, parseCommandArgs } from './args.js';
import type { CliIo } from './io.js';
import { CLONE_CLI, type Program, programName } from './program.js';

/** One subcommand: its own options, help and run; resolves to the exit code. */
export interface Command {
  readonly name: string;
  /** The help, naming the commands the way `program` is started. */
  help(program: Program): string;
  run(argv: readonly string[], io: CliIo, program: Program): Promise<number>;
}

/** The parsed values of a command's own options and the common ones (--json, --help). */
export type CommandArgs<Options extends OptionSpecs> = ReturnType<typeof parseCommandArgs<Options & typeof COMMON_OPTIONS>>;

/**
 * The command `name` taking `options` (and the common ones) and answering --help with `help`
 * (best written with commandLine(program, ...) for its usage line and examples). `run` receives the
 * options parsed strictly: an unknown flag is a usage error that points at the help.
 */
export function defineCommand<const Options extends OptionSpecs>(
  name: string,
  options: Options,
  help: string | ((program: Program) => string),
  run: (args: CommandArgs<Options>, io: CliIo, program: Program) => Promise<number>,
): Command {
  const allOptions = { ...options, ...COMMON_OPTIONS };
  return {
    name,
    help: typeof help === 'string' ? (program) => fixedHelp(help, program) : help,
    run: (argv, io, program) => run(parseCommandArgs(name, argv, allOptions), io, program),
  };
}

/** A help written for the clone (`npm run cli -- NAME ...`): an installed command shows the name the user typed. */
function fixedHelp(help: string, program: Program): string {
  if (program.kind === 'clone') return help;
  return help.replaceAll(CLONE_CLI, programName(program)).replace(/^Usage: /, `Usage: ${programName(program)} `);
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
