import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../infra/deploy-support.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLE = join(ROOT, 'examples', 'payments-app');
export const PACKAGE_NAME = 'faspay-sendme-token-refresher';

/** No proxy, update check or telemetry chatter; the npm cache (HOME) is kept so installs stay offline-ish. */
export function quietEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // npm's own lifecycle variables (when `npm test` runs this) must not steer the nested npm commands.
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('npm_')) env[name] = value;
  return { ...env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true', CI: 'true', NO_UPDATE_NOTIFIER: '1', ...extra };
}

/** `npm pack` of this repository (its prepack builds dist/) into `dir`; resolves to the tarball's path. */
export async function packThisRepository(dir: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, env: quietEnv(), timeoutMs: 180_000 });
  const file = stdout.trim().split('\n').pop() ?? '';
  return join(dir, file);
}

/** Every path in the tarball, without npm's `package/` prefix. */
export async function tarballContents(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball], { cwd: ROOT, env: quietEnv(), timeoutMs: 30_000 });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));
}

/**
 * A copy of examples/payments-app that depends on `tarball`, installed the way a user's repository
 * would be (`npm install`), preferring npm's cache so that only what it lacks is downloaded.
 */
export async function installExample(tarball: string, into: string): Promise<string> {
  const app = join(into, 'payments-app');
  cpSync(EXAMPLE, app, { recursive: true, filter: (source) => !/[\\/](node_modules|cdk\.out)$/.test(source) });
  const manifestPath = join(app, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies[PACKAGE_NAME] = `file:${tarball}`;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: app,
    env: quietEnv(),
    timeoutMs: 240_000,
  });
  return app;
}

/** A CommonJS file of the app: `require` gets the package's CommonJS build and its declarations. */
export const COMMONJS_CHECK = `import consumer = require('${PACKAGE_NAME}');
import cdk = require('${PACKAGE_NAME}/cdk');

const provider: consumer.FaspayTokenProvider = consumer.createFaspayTokenProvider({ parameterName: '/payments/faspay/production/access-token' });
const props: cdk.FaspayTokenRefresherProps = { faspayBaseUrl: cdk.FASPAY_SANDBOX_BASE_URL };
void [provider, props, cdk.FaspayTokenRefresher, consumer.isCodedError];
`;
