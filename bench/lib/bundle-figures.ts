import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS } from '../../build/lambda-assets.js';

export type Origin = 'project' | 'aws-sdk' | 'other';

export interface BundleFigures {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  /** Minified bytes in the bundle by origin: this project's code, the AWS SDK, the rest. */
  readonly bytesByOrigin: Readonly<Record<Origin, number>>;
}

function originOf(path: string): Origin {
  if (!path.includes('node_modules/')) return 'project';
  if (/node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws)\//.test(path)) return 'aws-sdk';
  return 'other';
}

/** Bundles an entry exactly as the package's Lambda assets are bundled (build/lambda-assets.ts), plus `extra`. */
export async function bundleLikeTheAssets(entry: string, outfile: string, extra: BuildOptions = {}): Promise<BundleFigures> {
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({ ...LAMBDA_BUNDLE_OPTIONS, ...extra, entryPoints: [entry], outfile, metafile: true });
  const bytesByOrigin: Record<Origin, number> = { project: 0, 'aws-sdk': 0, other: 0 };
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
