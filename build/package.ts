/**
 * Builds everything the npm package ships into dist/ (npm run build; `prepack` runs it, so
 * `npm ci && npm pack` on a clean clone gives a complete tarball):
 *   dist/esm/     ES modules and .d.ts of the library entries (tsc, tsconfig.build.json)
 *   dist/cjs/     CommonJS bundles of the same entries (esbuild, dependencies left external) and a
 *                 copy of the declarations, marked CommonJS by dist/cjs/package.json
 *   dist/cli/     the `faspay-token` command, one ES module (esbuild, dependencies left external)
 *   dist/assets/  the prebuilt Lambda functions (build/lambda-assets.ts)
 * Each tree is built beside its final place and swapped in, so a reader never sees half a tree.
 */

import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { buildLambdaAssets, ROOT } from './lambda-assets.js';

const DIST = join(ROOT, 'dist');

/** The library entries: the consumer client (`.` and `./consumer`) and the construct (`./cdk`). */
export const LIBRARY_ENTRIES = {
  consumer: 'functions/consumer/index.ts',
  cdk: 'infra/index.ts',
} as const;

export const CLI_ENTRY = 'cli/main.ts';

/**
 * Shared by the CommonJS and CLI bundles: Node 20, every package left to the installed dependencies
 * (so users get one copy of the SDK and of aws-cdk-lib), names kept for error classes.
 */
const NODE_LIBRARY_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** CommonJS has no import.meta: the construct locates its asset from the bundle's own file. */
const CJS_IMPORT_META_BANNER = "const __faspayImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";

function staging(name: string): string {
  const dir = join(DIST, `.${name}.${process.pid}.tmp`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function swapIn(stagingDir: string, name: string): void {
  const target = join(DIST, name);
  const old = `${target}.${process.pid}.old`;
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(target, old);
  } catch {
    // first build: nothing to move away
  }
  renameSync(stagingDir, target);
  rmSync(old, { recursive: true, force: true });
}

async function buildEsm(): Promise<string> {
  const out = staging('esm');
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT }, (error, stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`tsc -p tsconfig.build.json failed:\n${stdout}${stderr}`));
    });
  });
  return out;
}

async function buildCjs(esmDir: string): Promise<string> {
  const out = staging('cjs');
  await Promise.all(
    Object.entries(LIBRARY_ENTRIES).map(([name, entry]) =>
      build({
        ...NODE_LIBRARY_OPTIONS,
        entryPoints: [join(ROOT, entry)],
        outfile: join(out, `${name}.js`),
        format: 'cjs',
        banner: { js: CJS_IMPORT_META_BANNER },
        define: { 'import.meta.url': '__faspayImportMetaUrl' },
      }),
    ),
  );
  // The declarations do not depend on the module format (named exports only); under a package.json
  // of type commonjs TypeScript reads them as CommonJS, which is what `require` gets.
  for (const file of declarationFiles(esmDir)) {
    const target = join(out, relative(esmDir, file));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
  return out;
}

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

async function buildCli(): Promise<string> {
  const out = staging('cli');
  await build({ ...NODE_LIBRARY_OPTIONS, entryPoints: [join(ROOT, CLI_ENTRY)], outfile: join(out, 'main.js'), format: 'esm' });
  return out;
}

/** The `faspay-token` command alone (dist/cli), for the tests that run the bin shim of a clone. */
export async function buildCommand(): Promise<void> {
  mkdirSync(DIST, { recursive: true });
  swapIn(await buildCli(), 'cli');
}

export async function buildPackage(): Promise<void> {
  mkdirSync(DIST, { recursive: true });
  const [esm, cli] = await Promise.all([buildEsm(), buildCli(), buildLambdaAssets()]);
  const cjs = await buildCjs(esm);
  swapIn(esm, 'esm');
  swapIn(cjs, 'cjs');
  swapIn(cli, 'cli');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildPackage();
}
