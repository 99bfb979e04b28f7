import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The Lambda functions this project ships prebuilt (the way aws-cdk-lib ships its own handlers), by
 * asset name: the source entry under functions/ and the handler the runtime calls. build/lambda-assets.ts
 * bundles each entry into dist/assets/<name>/index.mjs, so a user's `cdk synth` needs no esbuild, Docker,
 * tsx or lock file from this package.
 */
export const LAMBDA_ASSETS = {
  refresher: 'functions/lambda/handler.ts',
  'example-consumer': 'functions/consumer/example-handler.ts',
} as const;

export type LambdaAssetName = keyof typeof LAMBDA_ASSETS;

/** The Lambda runtime settings every shipped function is built and tested for. */
export const LAMBDA_RUNTIME = {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  handler: 'index.handler',
} as const;

/** Where the prebuilt assets live, relative to the package root (the repository root, or node_modules/<this package>). */
export const ASSETS_DIR = join('dist', 'assets');

/**
 * The directory of a prebuilt asset. This module runs from infra/ (sources, in this repository),
 * dist/esm/infra/ or dist/cjs/ (the package): the asset is found under the nearest ancestor that holds it.
 */
export function lambdaAssetDir(name: LambdaAssetName): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, ASSETS_DIR, name);
    if (existsSync(join(candidate, 'index.mjs'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(
    `the prebuilt Lambda asset "${name}" (${ASSETS_DIR}/${name}/index.mjs) was not found above ${start}: ` +
      'in a clone of this repository run `npm run build:assets` (cdk.json and the tests do it for you); ' +
      'an installed package always contains it, so reinstall it if it is missing',
  );
}

/** The Lambda code of a prebuilt asset. */
export function lambdaAssetCode(name: LambdaAssetName): lambda.Code {
  return lambda.Code.fromAsset(lambdaAssetDir(name));
}
