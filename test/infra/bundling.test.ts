import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaAssetDir } from '../../infra/bundling.js';
import { synthStack } from './synth.js';

describe('the Lambda assets the stack deploys (prebuilt by build/lambda-assets.ts, as the package ships them)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'faspay-bundle-'));
  let assetDir: string;
  let consumerAssetDir: string;

  beforeAll(() => {
    // GIVEN the app with bundling enabled, example consumer included
    const { app, template } = synthStack({ deployExampleConsumer: 'true' }, { bundle: true, outdir });
    // WHEN it is synthesized
    app.synth();
    const assetOf = (service: string): string => {
      const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
        (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === service,
      );
      return join(outdir, `asset.${(fn!.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
    };
    assetDir = assetOf('faspay-token-refresher');
    consumerAssetDir = assetOf('faspay-example-consumer');
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('produces one minified ESM file and its source map', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const size = statSync(join(assetDir, 'index.mjs')).size;
    expect(size).toBeGreaterThan(50_000);
    expect(size).toBeLessThan(3_000_000);
  });

  it('starts with the createRequire banner and bundles the AWS SDK instead of importing it', () => {
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __faspayCreateRequire } from 'node:module';")).toBe(true);
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).not.toMatch(/from\s*["']@aws-lambda-powertools\//);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
  });

  it.each([
    ['refresher', () => assetDir],
    ['example consumer', () => consumerAssetDir],
  ])('loads the %s as an ES module in Node; its handler reports a configuration error with an empty environment', (_name, dir) => {
    // GIVEN a Node process with no function configuration at all
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir(), 'index.mjs')).href)});
      try { await handler({ trigger: 'schedule' }); console.log('RESOLVED'); }
      catch (error) { console.log('REJECTED ' + error.code); }`;
    // WHEN
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 30_000,
    });
    // THEN
    expect(child.stderr).not.toMatch(/Dynamic require/);
    expect(child.stdout).toMatch(/^REJECTED CONFIG_INVALID$/m);
  });

  it('deploys the very files of dist/assets/refresher, the asset the package ships', () => {
    for (const file of ['index.mjs', 'index.mjs.map']) {
      expect(readFileSync(join(assetDir, file)).equals(readFileSync(join(lambdaAssetDir('refresher'), file)))).toBe(true);
    }
  });

  it('keeps class and function names through minification, so Lambda reports errors by their real name', () => {
    // GIVEN the refresher with no configuration WHEN its handler rejects THEN the error's constructor keeps its name
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(assetDir, 'index.mjs')).href)});
      try { await handler({}); } catch (error) { console.log(error.constructor.name + ' ' + handler.name); }`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 30_000,
    });
    const [errorClass, handlerName] = child.stdout.trim().split(' ');
    expect(errorClass).toMatch(/^[A-Z][A-Za-z]+Error$/);
    expect(handlerName).toBe('handler');
  });

  it('keeps the source map next to the code for --enable-source-maps', () => {
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8')).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
  });
});
