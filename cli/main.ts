import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isCodedError } from '../functions/shared/coded-error.js';
import type { Command } from './command.js';
import { credentialsCommand } from './commands/credentials.js';
import { localCommand } from './commands/local.js';
import { probeCommand } from './commands/probe.js';
import { refreshCommand } from './commands/refresh.js';
import { simulatorCommand } from './commands/simulator.js';
import { statusCommand } from './commands/status.js';
import { UsageError } from './errors.js';
import { EXIT_CODES, exitCodeFor } from './exit-codes.js';
import { hintFor } from './hints.js';
import { type CliIo, processIo } from './io.js';

/** The commands, each with the line the overall help gives it. */
const COMMANDS: readonly { readonly command: Command; readonly summary: string }[] = [
  { command: localCommand, summary: 'run a full refresh cycle locally: simulator, in-memory store, consumer call (npm start)' },
  { command: refreshCommand, summary: 'invoke the deployed refresher now (--force to replace a fresh token)' },
  { command: statusCommand, summary: 'show whether the stored token is healthy (fingerprint, times, version)' },
  { command: credentialsCommand, summary: 'store a Faspay credential set in the credentials secret (from a file, or the demo set)' },
  { command: simulatorCommand, summary: 'run the Faspay SendMe simulator alone (for wiring other services locally)' },
  { command: probeCommand, summary: 'first contact with a real Faspay: which signed path it accepts, clock difference, a signed call' },
];

/** How the CLI is started from a clone; the installed `faspay-token` command passes its own name. */
const REPO_PROGRAM = 'npm run cli --';

const helpFor = (program: string): string => `Usage: ${program} <command> [options]
${program === REPO_PROGRAM ? '       (or: npx tsx cli/main.ts <command> ..., or faspay-token <command> ... after npm link)\n' : ''}
Operator tool of the Faspay SendMe token refresher. Never prints a token or a credential: only
SHA-256 fingerprints (first 12 hex), lengths and times.

Commands:
${COMMANDS.map(({ command, summary }) => `  ${command.name.padEnd(13)}${summary}`).join('\n')}

Every command takes --help and --json.${program === REPO_PROGRAM ? ' Shortcuts: npm start (local), npm run refresh,\nnpm run status, npm run simulator.' : ''}

Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 configuration or credentials, 4 Faspay failed,
5 AWS failed, 6 token stale, 7 token expired, 8 token missing, 9 token invalid.
`;

/**
 * Runs one command line and resolves to its exit code. Errors become one line on stderr (or one
 * JSON object on stdout with --json) and an exit code derived from the error's stable code.
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), program: string = REPO_PROGRAM): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(helpFor(program));
      return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
    }
    const command = COMMANDS.find((candidate) => candidate.command.name === name)?.command;
    if (command === undefined) {
      throw new UsageError(
        `unknown command "${name}": choose one of ${COMMANDS.map((candidate) => candidate.command.name).join(', ')} (see --help)`,
      );
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      // Command help shows the clone's invocation; an installed command shows the name the user typed.
      io.stdout.write(
        program === REPO_PROGRAM ? command.help : command.help.replaceAll(REPO_PROGRAM, program).replace(/^Usage: /, `Usage: ${program} `),
      );
      return EXIT_CODES.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    return reportFailure(error, io, json);
  }
}

function reportFailure(error: unknown, io: CliIo, json: boolean): number {
  const exitCode = exitCodeFor(error);
  // Only coded errors are shown in full: their messages are built to be safe. Anything else could
  // carry a request or a value, so only its class name is shown.
  const code = isCodedError(error) ? error.code : 'INTERNAL_ERROR';
  const message = isCodedError(error)
    ? error.message
    : `unexpected ${error instanceof Error ? error.name : typeof error} (a bug: please report it)`;
  const hint = hintFor(error);
  if (json) {
    const details = isCodedError(error) ? error.details : {};
    io.stdout.write(
      `${JSON.stringify({ ok: false, error: { code, message, ...(hint === undefined ? {} : { hint }), details }, exitCode })}\n`,
    );
  } else {
    io.stderr.write(`error (${code}, exit ${exitCode}): ${message}\n${hint === undefined ? '' : `hint: ${hint}\n`}`);
  }
  return exitCode;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Idle keep-alive sockets of SDK clients must not hold a finished command open.
  setTimeout(() => process.exit(code), 2000).unref();
}
