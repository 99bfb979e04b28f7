import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root: NodejsFunction's project root, where package-lock.json lives. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a Lambda entry under functions/. */
export function functionEntry(relativePath: string): string {
  return fileURLToPath(new URL(`../functions/${relativePath}`, import.meta.url));
}

/** Parts of the bundled AWS SDK still call require() for Node built-ins; ESM has no require. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __faspayCreateRequire } from 'node:module'; const require = __faspayCreateRequire(import.meta.url);";

/**
 * What every function of this project shares: nodejs22.x named explicitly (not NODEJS_LATEST, which
 * moves), arm64, and a minified ESM bundle with source maps built by the local esbuild (no Docker).
 */
export function nodejsFunctionDefaults(entry: string): nodejs.NodejsFunctionProps {
  return {
    entry,
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      mainFields: ['module', 'main'],
      banner: ESM_REQUIRE_BANNER,
      // Pin the SDK version the tests ran instead of the runtime's moving one.
      bundleAwsSDK: true,
      forceDockerBundling: false,
    },
  };
}
