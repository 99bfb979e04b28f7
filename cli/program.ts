/*
 * How the operator started the CLI, so that every hint, help text and example names a command they
 * have: in a clone the npm scripts of package.json (`npm run refresh -- --force`), installed from
 * the package the command itself (`faspay-token refresh --force`).
 */

export type Program = { readonly kind: 'clone' } | { readonly kind: 'installed'; readonly name: string };

/** Started from a clone (`npm run cli -- ...`, `npm start`, tsx). */
export const CLONE: Program = { kind: 'clone' };

/** How the whole CLI is started from a clone. */
export const CLONE_CLI = 'npm run cli --';

/** The npm scripts a clone has for a command (package.json); other commands go through CLONE_CLI. */
const SCRIPTS: Readonly<Record<string, string>> = {
  local: 'npm start',
  refresh: 'npm run refresh',
  status: 'npm run status',
  simulator: 'npm run simulator',
};

/** The CLI installed under `name` (the bin link the user typed: faspay-token). */
export function installedAs(name: string): Program {
  return { kind: 'installed', name };
}

/** The command line that runs `command` with `args` (written as on the command line, may be empty). */
export function commandLine(program: Program, command: string, args = ''): string {
  if (program.kind === 'installed') return joined(program.name, command, args);
  const script = SCRIPTS[command];
  if (script === undefined) return joined(CLONE_CLI, command, args);
  return args === '' ? script : `${script} -- ${args}`;
}

/** The whole CLI as the user starts it: `faspay-token`, or `npm run cli --`. */
export function programName(program: Program): string {
  return program.kind === 'installed' ? program.name : CLONE_CLI;
}

function joined(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}
