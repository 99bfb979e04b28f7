/**
 * Builds the prebuilt Lambda assets (infra/bundling.ts LAMBDA_ASSETS) into dist/assets/<name>/:
 * one minified ESM file for nodejs22.x with the AWS SDK bundled, and its source map.
 * Run: npm run build:assets (cdk.json's app, vitest's globalSetup and npm run build do it first).
 *
 * Several processes may build at once (the tests run `cdk synth` while other tests read the
 * assets): files are written only when their content changed, through a rename, so a reader never
 * sees half a file.
 */

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { ASSETS_DIR, LAMBDA_ASSETS, type LambdaAssetName } from '../infra/bundling.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Parts of the bundled AWS SDK still call require() for Node built-ins; ESM has no require. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __faspayCreateRequire } from 'node:module'; const require = __faspayCreateRequire(import.meta.url);";

/**
 * How every shipped function is bundled. keepNames: Lambda reports a thrown error's `name` as
 * errorType, and minify would otherwise rename the error classes. The SDK is bundled to pin the
 * version the tests ran instead of the runtime's moving one.
 */
export const LAMBDA_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  legalComments: 'none',
  logLevel: 'silent',
} as const satisfies BuildOptions;

export function lambdaAssetFile(name: LambdaAssetName): string {
  return join(ROOT, ASSETS_DIR, name, 'index.mjs');
}

/** Bundles one asset; resolves to the files that changed (none when it was up to date). */
export async function buildLambdaAsset(name: LambdaAssetName): Promise<string[]> {
  const outfile = lambdaAssetFile(name);
  const result = await build({ ...LAMBDA_BUNDLE_OPTIONS, entryPoints: [join(ROOT, LAMBDA_ASSETS[name])], outfile, write: false });
  const changed: string[] = [];
  for (const file of result.outputFiles) {
    if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) continue;
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.tmp`);
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
    changed.push(file.path);
  }
  return changed;
}

export async function buildLambdaAssets(): Promise<string[]> {
  const changed = await Promise.all(Object.keys(LAMBDA_ASSETS).map((name) => buildLambdaAsset(name as LambdaAssetName)));
  return changed.flat();
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildLambdaAssets();
}
