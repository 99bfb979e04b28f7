import { buildLambdaAssets } from '../build/lambda-assets.js';

/**
 * The stack uses the prebuilt Lambda assets the package ships (dist/assets): build them once before
 * any test synthesizes, bundles or deploys, so the tests run exactly what users get.
 */
export default async function setup(): Promise<void> {
  await buildLambdaAssets();
}
