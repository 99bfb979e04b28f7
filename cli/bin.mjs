#!/usr/bin/env node
// The `faspay-token` command (package.json "bin"): loads the TypeScript CLI through tsx's loader,
// so no build step is needed. Works from a clone after `npm install` (tsx is a devDependency).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Idle keep-alive sockets of SDK clients must not hold a finished command open.
setTimeout(() => process.exit(code), 2000).unref();
