import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRICT_SNIPPET_OPTIONS, snippetFileName, tsSnippets } from '../docs/ts-snippets.js';
import { run } from '../infra/deploy-support.js';
import { PACKAGE_NAME, quietEnv } from './installed-app.js';

/**
 * Type checks of the installed package from inside a user's app: the documentation's TypeScript
 * blocks against the packed package, and the package's declarations under the oldest supported
 * TypeScript 5 and the latest TypeScript 7 (npm installs either into a folder of its own).
 */

/** The TypeScript releases the package's types are checked with, and the module resolutions each still has. */
export const TYPESCRIPT_RANGE = [
  { spec: '5.0', resolutions: ['nodenext', 'bundler', 'node10'] },
  { spec: '7', resolutions: ['nodenext', 'bundler'] },
] as const;

export type Resolution = (typeof TYPESCRIPT_RANGE)[number]['resolutions'][number];

/** Every `error TS` line of `tsc -p project` run in `app` (tsc exits 2 with errors: read its output either way). */
export async function tscErrors(tsc: string, app: string, project: string): Promise<string[]> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [tsc, '--noEmit', '--pretty', 'false', '-p', project],
      { cwd: app, env: quietEnv(), timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && error.code !== 2 && error.code !== 1)
          reject(new Error(`tsc -p ${project} failed to run: ${error.message}\n${stderr}`));
        else resolve(stdout + stderr);
      },
    );
  });
  return output.split('\n').filter((line) => /error TS\d+/.test(line));
}

/** `npm install typescript@spec` into a folder of its own; resolves to its tsc. */
export async function installTypeScript(spec: string, into: string): Promise<string> {
  const dir = join(into, `typescript-${spec}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private": true}\n');
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `typescript@${spec}`], {
    cwd: dir,
    env: quietEnv(),
    timeoutMs: 240_000,
  });
  return join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
}

const DECLARATIONS_CHECK = `import { createFaspayTokenProvider, createSignedFaspayFetch, type FaspayTokenProviderOptions } from '${PACKAGE_NAME}';
import { FaspayTokenRefresher, type FaspayTokenRefresherProps } from '${PACKAGE_NAME}/cdk';

const options: FaspayTokenProviderOptions = { parameterName: '/payments/faspay/production/access-token' };
const sendme = createSignedFaspayFetch(createFaspayTokenProvider(options), { baseUrl: 'https://sendme.faspay.co.id' });
const props: FaspayTokenRefresherProps = { faspayBaseUrl: 'https://sendme.faspay.co.id' };
void [sendme, props, FaspayTokenRefresher];
`;

const CONSUMER_CHECK = `import { createFaspayTokenProvider, createSignedFaspayFetch, isCodedError } from '${PACKAGE_NAME}';

const provider = createFaspayTokenProvider({ parameterName: '/payments/faspay/production/access-token', credentialsSecretId: 'payments' });
void [createSignedFaspayFetch(provider, { baseUrl: 'https://sendme.faspay.co.id', onTokenRejected: () => undefined }), isCodedError];
`;

/** How each resolution is set in a tsconfig (`module` esnext for bundler: `preserve` needs TypeScript 5.4). */
const MODULE_OF: Readonly<Record<Resolution, string>> = { nodenext: 'nodenext', bundler: 'esnext', node10: 'commonjs' };

/**
 * The consumer entry with `skipLibCheck: false`: its declarations (and the AWS SDK's they import)
 * are checked too. The construct's cannot be: aws-cdk-lib's own fail exactOptionalPropertyTypes.
 */
export function writeConsumerLibCheck(app: string): string {
  const dir = join(app, 'type-checks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER_CHECK);
  const compilerOptions = { ...STRICT_SNIPPET_OPTIONS, skipLibCheck: false };
  writeFileSync(join(dir, 'tsconfig.consumer-lib-check.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }, null, 2));
  return join('type-checks', 'tsconfig.consumer-lib-check.json');
}

/** Writes a check of both entries and one tsconfig per resolution into `app`; resolves to the project file of each. */
export function writeDeclarationChecks(app: string): Record<Resolution, string> {
  const dir = join(app, 'type-checks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'entries.ts'), DECLARATIONS_CHECK);
  const projects = {} as Record<Resolution, string>;
  for (const resolution of Object.keys(MODULE_OF) as Resolution[]) {
    // A CommonJS app's `import` compiles to require(): verbatimModuleSyntax (ESM as written) does not apply there.
    const commonjs = resolution === 'node10' ? { verbatimModuleSyntax: false } : {};
    const compilerOptions = { ...STRICT_SNIPPET_OPTIONS, module: MODULE_OF[resolution], moduleResolution: resolution, ...commonjs };
    projects[resolution] = join('type-checks', `tsconfig.${resolution}.json`);
    writeFileSync(join(app, projects[resolution]), JSON.stringify({ compilerOptions, files: ['entries.ts'] }, null, 2));
  }
  return projects;
}

/**
 * The documentation's TypeScript blocks that need nothing the app lacks (the app has the package,
 * aws-cdk-lib and constructs, not Powertools), one module each, and their tsconfig.
 */
export function writeSnippetChecks(app: string): { project: string; count: number } {
  const dir = join(app, 'doc-snippets');
  mkdirSync(dir, { recursive: true });
  const available = new Set([PACKAGE_NAME, 'aws-cdk-lib', 'constructs']);
  const snippets = tsSnippets().filter((snippet) => snippet.packages.every((name) => available.has(name)));
  const files = snippets.map((snippet, index) => {
    writeFileSync(join(dir, snippetFileName(index)), `// ${snippet.where}\n${snippet.code}`);
    return snippetFileName(index);
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: STRICT_SNIPPET_OPTIONS, files }, null, 2));
  return { project: join('doc-snippets', 'tsconfig.json'), count: snippets.length };
}
