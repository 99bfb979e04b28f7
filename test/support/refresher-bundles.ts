import { build } from 'esbuild';

/**
 * Bundles the refresher handler as NodejsFunction used to (one minified ESM file for nodejs22.x,
 * with a require() shim because parts of the AWS SDK still require() Node built-ins), without
 * keepNames: what a bundler that renames classes makes of it.
 */
export async function buildMinifiedRefresher(outfile: string): Promise<void> {
  await build({
    entryPoints: ['functions/lambda/handler.ts'],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
}
