import { buildLambdaAssets } from '../build/lambda-assets.js';
import { buildCommand } from '../build/package.js';

/**
 * The stack uses the prebuilt Lambda assets the package ships (dist/assets): build them once before
 * any test synthesizes, bundles or deploys, so the tests run exactly what users get. The compiled
 * command (dist/cli) too: the bin shim's test runs it whether or not the package test packed first.
 */
export default async function setup(): Promise<void> {
  await Promise.all([buildLambdaAssets(), buildCommand()]);
}
