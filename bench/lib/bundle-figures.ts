import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
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

export interface SplitFigures {
  readonly entryFile: string;
  /** The entry chunk and every chunk it imports statically: what `import()` of the bundle loads. */
  readonly bytesAtStart: number;
  /** Chunks reached only through dynamic import(), by the source module that starts each. */
  readonly lazyBytes: Readonly<Record<string, number>>;
}

/** The same bundle with ESM code splitting: lazily imported modules become chunks loaded on first use. */
export async function splitLikeTheAssets(entry: string, outdir: string): Promise<SplitFigures> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    entryPoints: { index: entry },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    metafile: true,
  });
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  // Dynamically imported modules are entry points of their own chunks too: the entry is the one named index.
  const entryFile = outputs.find(([file]) => file.endsWith('/index.mjs'))?.[0] ?? '';
  const atStart = staticClosure(result.metafile, entryFile);
  const lazyBytes: Record<string, number> = {};
  for (const [file, output] of outputs) {
    if (atStart.has(file)) continue;
    const origin = output.entryPoint === undefined ? 'shared chunks' : output.entryPoint.replace(/^.*node_modules\//, '');
    lazyBytes[origin] = (lazyBytes[origin] ?? 0) + output.bytes;
  }
  const bytesAtStart = [...atStart].reduce((sum, file) => sum + (result.metafile.outputs[file]?.bytes ?? 0), 0);
  return { entryFile: join(process.cwd(), entryFile), bytesAtStart, lazyBytes };
}

function staticClosure(metafile: Metafile, entryFile: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entryFile];
  while (pending.length > 0) {
    const file = pending.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of metafile.outputs[file]?.imports ?? [])
      if (edge.kind === 'import-statement' && !edge.external) pending.push(edge.path);
  }
  return seen;
}
