/**
 * Refresher bundle size and cold-import time against a baseline bundle of the same two AWS SDK
 * clients with nothing else, both built the way the stack builds the function.
 * Run: npm run bench:bundle (also part of npm run bench). Prints a Markdown section.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleLikeCdk, type BundleFigures } from './lib/esbuild-like-cdk.js';
import { kib, ms, summarize } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}bench/.out/`;
const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 21);

/** The refresher reads its configuration at import (a cold start): give it a valid one, no network. */
const HANDLER_ENV = {
  FASPAY_BASE_URL: 'https://sendme-sandbox.faspay.co.id',
  FASPAY_CREDENTIALS_SECRET_ID: 'faspay/sendme/credentials',
  TOKEN_PARAMETER_NAME: '/faspay/sendme/access-token',
  AWS_REGION: 'ap-southeast-3',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  NODE_NO_WARNINGS: '1',
};

/** Milliseconds from before `import()` to the module being ready, in a fresh Node process. */
function coldImportMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...HANDLER_ENV },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
  return Number(child.stdout);
}

export async function runBundleBench() {
  const refresher = await bundleLikeCdk(`${ROOT}functions/refresher/handler.ts`, `${OUT}refresher/index.mjs`);
  const baseline = await bundleLikeCdk(`${ROOT}bench/lib/baseline-entry.ts`, `${OUT}baseline/index.mjs`);
  // Alternated, so that load from other processes on a shared machine weighs on both alike.
  const refresherRuns: number[] = [];
  const baselineRuns: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    baselineRuns.push(coldImportMs(baseline.file));
    refresherRuns.push(coldImportMs(refresher.file));
  }
  return { refresher, baseline, refresherImport: summarize(refresherRuns), baselineImport: summarize(baselineRuns) };
}

function format(result: Awaited<ReturnType<typeof runBundleBench>>): string {
  const row = (name: string, bundle: BundleFigures, imp: ReturnType<typeof summarize>) =>
    `| ${name} | ${kib(bundle.bytes)} | ${kib(bundle.gzipBytes)} | ${ms(imp.median)} | ${ms(imp.p90)} |`;
  const { refresher, baseline, refresherImport, baselineImport } = result;
  return [
    '## Refresher bundle and cold import',
    '',
    'Built with the esbuild API as the stack builds the function (ESM, minified, platform node, target node22, createRequire banner, AWS SDK bundled);',
    `cold import = \`await import(bundle)\` in a fresh Node process (the refresher also parses its configuration and builds its clients), ${RUNS} runs each.`,
    '',
    '| bundle | size | gzip | cold import, median | p90 |',
    '|---|---|---|---|---|',
    row('baseline: SSM + Secrets Manager clients only', baseline, baselineImport),
    row('refresher (functions/refresher/handler.ts)', refresher, refresherImport),
    `| **the project's own share** | **+${kib(refresher.bytes - baseline.bytes)}** | **+${kib(refresher.gzipBytes - baseline.gzipBytes)}** | **+${ms(refresherImport.median - baselineImport.median)}** | |`,
    '',
    `Where the refresher's minified bytes come from (esbuild metafile): AWS SDK ${kib(refresher.bytesByOrigin['aws-sdk'])}, ` +
      `Powertools Logger + Metrics ${kib(refresher.bytesByOrigin.powertools)}, this project's code ${kib(refresher.bytesByOrigin.project)}, ` +
      `other packages ${kib(refresher.bytesByOrigin.other)}.`,
    `Source maps (shipped beside the bundle, not loaded at start): refresher ${kib(refresher.sourceMapBytes)}, baseline ${kib(baseline.sourceMapBytes)}.`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${format(await runBundleBench())}\n`);
}
