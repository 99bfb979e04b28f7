#!/usr/bin/env node
// The `faspay-token` command (package.json "bin"): plain Node running the compiled CLI that
// `npm run build` (npm's prepack) writes to dist/cli, so an installed package needs no tsx.
// In a clone, use `npm run cli -- ...` (TypeScript through tsx), or `npm run build` first.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('faspay-token: dist/cli/main.js is missing. In a clone run `npm run build` first (or use `npm run cli -- ...`).\n');
  process.exit(1);
}
const { main } = await import(compiled.href);
// --help names the command the user typed: the bin link's name (faspay-token), not this file's.
const invoked = basename(process.argv[1] ?? '');
const code = await main(process.argv.slice(2), undefined, invoked === '' || invoked === 'bin.mjs' ? 'faspay-token' : invoked);
process.exitCode = code;
// Idle keep-alive sockets of SDK clients must not hold a finished command open.
setTimeout(() => process.exit(code), 2000).unref();
