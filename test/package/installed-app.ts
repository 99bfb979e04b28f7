import { execFile } from 'node:child_process';
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

/**
 * A second CDK app of the user's, beside the example's: one stack with a single refresher, the way
 * docs/install.md shows it, deployed with `cdk deploy --app` so that `faspay-token ... --stack` is
 * tried on a stack with one refresher as well as on the example's two.
 */
export const SINGLE_REFRESHER_APP = {
  file: 'bin/single-refresher.ts',
  stack: 'PaymentsSingle',
  constructId: 'FaspayToken',
  secretName: 'payments/faspay-sendme/single',
  parameterName: '/payments/faspay/single/access-token',
  source: (): string => `import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { FaspayTokenRefresher } from '${PACKAGE_NAME}/cdk';

const app = new App();
const stack = new Stack(app, '${SINGLE_REFRESHER_APP.stack}');
new FaspayTokenRefresher(stack, '${SINGLE_REFRESHER_APP.constructId}', {
  faspayBaseUrl: String(app.node.tryGetContext('faspayBaseUrl')),
  credentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Credentials', '${SINGLE_REFRESHER_APP.secretName}'),
  tokenParameterName: '${SINGLE_REFRESHER_APP.parameterName}',
});
`,
} as const;

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the installed `faspay-token` (node_modules/.bin) in `app`, whatever its exit code. */
export async function runFaspayToken(app: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    execFile(join(app, 'node_modules', '.bin', 'faspay-token'), [...args], { cwd: app, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number')
        reject(new Error(`faspay-token ${args.join(' ')} did not run: ${error.message}`));
      else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}
