/**
 * Weight of what the package ships and of what a user builds with it, each against a bundle of the
 * AWS SDK clients it needs with nothing else, all built with the settings of the package's Lambda
 * assets (build/lambda-assets.ts):
 *   - the refresher asset (dist/assets/refresher, deployed by the construct) against SSM + Secrets Manager;
 *   - a consumer Lambda bundling the client (bench/lib/consumer-entry.ts) against SSM alone, as one
 *     file (how NodejsFunction bundles) and code-split (what is loaded at start, what on first use).
 * Run: npm run bench:bundle (also part of npm run bench). Prints a Markdown section.
 * BENCH_NODE=/path/to/node also times the cold imports under that Node (e.g. 22, the Lambda runtime).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLambdaAsset, lambdaAssetFile, ROOT } from '../build/lambda-assets.js';
import { DEFAULT_TOKEN_PARAMETER_NAME, renderRefresherEnvironment } from '../functions/contracts/settings.js';
import { FASPAY_SANDBOX_BASE_URL } from '../functions/faspay/index.js';
import { type BundleFigures, bundleLikeTheAssets } from './lib/bundle-figures.js';
import { kib, ms, summarize } from './lib/stats.js';

const OUT = `${ROOT}bench/.out/`;
const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 21);
const LIMIT = { refresherRatio: 1.1, consumerExtraKiB: 30 };

/** The refresher reads its configuration at import (a cold start): give it a valid one, no network. */
const HANDLER_ENV = {
  ...renderRefresherEnvironment({
    faspayBaseUrl: new URL(FASPAY_SANDBOX_BASE_URL),
    credentialsSecretId: 'faspay/sendme/credentials',
    tokenParameterName: DEFAULT_TOKEN_PARAMETER_NAME,
  }),
  AWS_REGION: 'ap-southeast-3',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  NODE_NO_WARNINGS: '1',
};

/** The installed versions the bundles were built from: a newer SDK alone moves every figure below. */
const MEASURED_PACKAGES = ['@aws-sdk/client-ssm', '@smithy/core', '@smithy/signature-v4', 'esbuild'];

function installedVersions(): string {
  return MEASURED_PACKAGES.map((name) => {
    const manifest = JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string };
    return `${name} ${manifest.version}`;
  }).join(', ');
}

/** Milliseconds from before `import()` to the module being ready, in a fresh Node process. */
function coldImportMs(node: string, file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const child = spawnSync(node, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...HANDLER_ENV },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`importing ${file} with ${node} failed: ${child.stderr}`);
  return Number(child.stdout);
}

function nodeVersion(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** Alternated, so that load from other processes on a shared machine weighs on every file alike. */
function coldImports(node: string, files: readonly string[]): ReturnType<typeof summarize>[] {
  const runs: number[][] = files.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    for (const [index, file] of files.entries()) runs[index]!.push(coldImportMs(node, file));
  }
  return runs.map(summarize);
}

export async function runBundleBench() {
  await buildLambdaAsset('refresher');
  const refresher = await bundleLikeTheAssets(`${ROOT}functions/lambda/handler.ts`, `${OUT}refresher/index.mjs`);
  const shipped = readFileSync(lambdaAssetFile('refresher'));
  if (!readFileSync(refresher.file).equals(shipped))
    throw new Error('the bench bundle of the refresher differs from dist/assets/refresher: the settings drifted');
  const baseline = await bundleLikeTheAssets(`${ROOT}bench/lib/baseline-entry.ts`, `${OUT}baseline/index.mjs`);
  const consumer = await bundleLikeTheAssets(`${ROOT}bench/lib/consumer-entry.ts`, `${OUT}consumer/index.mjs`);
  const ssm = await bundleLikeTheAssets(`${ROOT}bench/lib/ssm-baseline-entry.ts`, `${OUT}ssm/index.mjs`);
  // NodejsFunction's default on nodejs22.x: the SDK left to the runtime's copy.
  const consumerSdkExternal = await bundleLikeTheAssets(`${ROOT}bench/lib/consumer-entry.ts`, `${OUT}consumer-sdk-external/index.mjs`, {
    external: ['@aws-sdk/*'],
  });
  const nodes = [process.execPath, ...(process.env.BENCH_NODE === undefined ? [] : [process.env.BENCH_NODE])];
  const files = [baseline.file, lambdaAssetFile('refresher'), ssm.file, consumer.file];
  const imports = nodes.map((node) => ({ version: nodeVersion(node), figures: coldImports(node, files) }));
  return { refresher, baseline, consumer, ssm, consumerSdkExternal, imports };
}

type Result = Awaited<ReturnType<typeof runBundleBench>>;

const ratio = (value: number, floor: number) => `${(value / floor).toFixed(3)}x`;

function format(result: Result): string {
  const { refresher, baseline, consumer, ssm, consumerSdkExternal, imports } = result;
  const importCells = (index: number) =>
    imports.map(({ figures }) => `${ms(figures[index]!.median)} (p90 ${ms(figures[index]!.p90)})`).join(' | ');
  const importHeader = imports.map(({ version }) => `cold import, Node ${version}`).join(' | ');
  const importRule = imports.map(() => '---').join('|');
  const row = (name: string, bundle: BundleFigures, index: number) =>
    `| ${name} | ${kib(bundle.bytes)} | ${kib(bundle.gzipBytes)} | ${importCells(index)} |`;
  const importRatio = (index: number, floorIndex: number) =>
    imports.map(({ version, figures }) => `${ratio(figures[index]!.median, figures[floorIndex]!.median)} (Node ${version})`).join(', ');
  const sizeRatio = refresher.bytes / baseline.bytes;
  const consumerExtra = (consumer.bytes - ssm.bytes) / 1024;
  return [
    '## Bundles: the refresher asset and a consumer Lambda',
    '',
    "Built with the settings of the package's Lambda assets (build/lambda-assets.ts: esbuild, ESM, minified, keepNames, platform node, target node22,",
    `createRequire banner, AWS SDK bundled); cold import = \`await import(bundle)\` in a fresh Node process, ${RUNS} runs each, alternated.`,
    `Measured with ${installedVersions()} (as installed from package-lock.json; a fresh install that resolves a newer SDK gives other sizes).`,
    '',
    `| bundle | size | gzip | ${importHeader} |`,
    `|---|---|---|${importRule}|`,
    row('baseline: SSM + Secrets Manager clients only', baseline, 0),
    row('**refresher asset as packaged** (dist/assets/refresher/index.mjs)', refresher, 1),
    row('baseline: SSM client only', ssm, 2),
    row('consumer Lambda bundling the client, one file', consumer, 3),
    '',
    `- Refresher asset: **${ratio(refresher.bytes, baseline.bytes)}** the size of its baseline (limit ${LIMIT.refresherRatio}x: ${sizeRatio <= LIMIT.refresherRatio ? 'met' : 'NOT met'}), ` +
      `cold import **${importRatio(1, 0)}**. Its bytes: AWS SDK ${kib(refresher.bytesByOrigin['aws-sdk'])}, this project's code ${kib(refresher.bytesByOrigin.project)}, ` +
      `other packages ${kib(refresher.bytesByOrigin.other)} (no Powertools: functions/lambda/telemetry.ts writes the same log and EMF shapes).`,
    `- Consumer Lambda as one file (how NodejsFunction with \`bundleAwsSDK: true\` and a user's own esbuild bundle it; reporting on, credentials from a secret): ` +
      `**+${consumerExtra.toFixed(1)} KiB** over the SSM client alone (limit +${LIMIT.consumerExtraKiB} KiB: ${consumerExtra <= LIMIT.consumerExtraKiB ? 'met' : 'NOT met'}), ` +
      `cold import ${importRatio(3, 2)}. Of it, this project's code ${kib(consumer.bytesByOrigin.project)}: the consumer reads the secret and sends a rejection report ` +
      "with calls signed with its SSM client's configuration (functions/adapters/aws-json-call.ts), so no Secrets Manager or EventBridge client is in the file. " +
      `With the SDK left to the runtime (NodejsFunction's default, \`bundleAwsSDK: false\`; @smithy/signature-v4 is then bundled) the consumer's bundle is ${kib(consumerSdkExternal.bytes)}.`,
    `- Source maps (beside the bundles, not loaded at start unless NODE_OPTIONS=--enable-source-maps): refresher ${kib(refresher.sourceMapBytes)}, consumer ${kib(consumer.sourceMapBytes)}.`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${format(await runBundleBench())}\n`);
}
