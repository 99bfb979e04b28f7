import { build } from 'esbuild';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';

/** infra/bundling.ts: the banner that gives the ESM bundle a `require` for the SDK's Node built-ins. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __faspayCreateRequire } from 'node:module'; const require = __faspayCreateRequire(import.meta.url);";

export interface BundleFigures {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  /** Minified bytes in the bundle by origin: the project's code, Powertools, the AWS SDK, the rest. */
  readonly bytesByOrigin: Readonly<Record<Origin, number>>;
}

export type Origin = 'project' | 'powertools' | 'aws-sdk' | 'other';

function originOf(path: string): Origin {
  if (!path.includes('node_modules/')) return 'project';
  if (path.includes('node_modules/@aws-lambda-powertools/')) return 'powertools';
  if (/node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws)\//.test(path)) return 'aws-sdk';
  return 'other';
}

/**
 * Bundles an entry the way the stack's NodejsFunction does (infra/bundling.ts): ESM, minified,
 * platform node, target node22, module-first main fields, the createRequire banner, the AWS SDK
 * bundled in, an external source map without sources.
 */
export async function bundleLikeCdk(entry: string, outfile: string): Promise<BundleFigures> {
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    metafile: true,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'silent',
  });
  const bytesByOrigin: Record<Origin, number> = { project: 0, powertools: 0, 'aws-sdk': 0, other: 0 };
  const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) bytesByOrigin[originOf(path)] += bytesInOutput;
  return {
    bytesByOrigin,
    file: outfile,
    bytes: statSync(outfile).size,
    gzipBytes: gzipSync(readFileSync(outfile)).length,
    sourceMapBytes: statSync(`${outfile}.map`).size,
  };
}
