import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { type DeployedFunction, fetchDeployedFunction, run } from '../infra/deploy-support.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import {
  COMMONJS_CHECK,
  type CommandRun,
  installExample,
  PACKAGE_NAME,
  packThisRepository,
  quietEnv,
  runFaspayToken,
  SINGLE_REFRESHER_APP,
  tarballContents,
} from './installed-app.js';
import {
  installTypeScript,
  type Resolution,
  TYPESCRIPT_RANGE,
  tscErrors,
  writeConsumerLibCheck,
  writeDeclarationChecks,
  writeSnippetChecks,
} from './type-checks.js';

/*
 * What a user gets, tried from the outside: `npm pack` of this repository, installed into a copy of
 * examples/payments-app (a CDK app with its own package.json), type-checked under strict settings,
 * synthesized offline, deployed to moto_server, and the deployed code run in Node against the
 * simulator. moto specifics as in test/infra/deploy-smoke.test.ts: `--method=direct`, secrets made
 * with the SDK (its CloudFormation skips them; the example imports them by name anyway).
 */

const ACCOUNT = '123456789012';
const SECRETS = { sandbox: 'payments/faspay-sendme/sandbox', production: 'payments/faspay-sendme/production' } as const;
const PARAMETERS = { sandbox: '/payments/faspay/sandbox/access-token', production: '/payments/faspay/production/access-token' } as const;

describe(`${PACKAGE_NAME} packed, installed in an outside app, synthesized, deployed and run`, () => {
  let workdir: string;
  let contents: string[];
  let app: string;
  let moto: MotoServer;
  let simulator: RunningSimulator;
  let outputs: Record<string, string>;
  const deployed: Record<string, DeployedFunction> = {};
  let typeErrors: { nodenext: string[]; bundler: string[]; consumerLib: string[] };
  let snippetErrors: { count: number; errors: string[] };
  let rangeErrors: Record<string, Partial<Record<Resolution, string[]>>>;

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'faspay-package-'));
    const tarball = await packThisRepository(workdir);
    contents = await tarballContents(tarball);
    app = await installExample(tarball, workdir);
    writeFileSync(join(app, 'src', 'commonjs-check.cts'), COMMONJS_CHECK);
    writeFileSync(join(app, SINGLE_REFRESHER_APP.file), SINGLE_REFRESHER_APP.source());
    const declarationChecks = writeDeclarationChecks(app);
    const consumerLibCheck = writeConsumerLibCheck(app);
    const snippets = writeSnippetChecks(app);
    [moto, simulator] = await Promise.all([startMoto(), startSimulator()]);
    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    // npm fetches the TypeScript releases while the app deploys (disk and network, little CPU).
    const [nodenext, bundler, , compilers] = await Promise.all([
      tscErrors(tsc, app, 'tsconfig.json'),
      tscErrors(tsc, app, 'tsconfig.bundler.json'),
      deploy(),
      Promise.all(TYPESCRIPT_RANGE.map(({ spec }) => installTypeScript(spec, workdir))),
    ]);
    // The other checks after the deploy: on a shared machine a deploy starved of CPU times out.
    const [consumerLib, snippetTsErrors, range] = await Promise.all([
      tscErrors(tsc, app, consumerLibCheck),
      tscErrors(tsc, app, snippets.project),
      typeScriptRange(compilers, declarationChecks),
    ]);
    typeErrors = { nodenext, bundler, consumerLib };
    snippetErrors = { count: snippets.count, errors: snippetTsErrors };
    rangeErrors = range;
  }, 900_000);

  /** The package's declarations under each TypeScript release of the range (`compilers`, in its order), with each resolution it has. */
  async function typeScriptRange(compilers: string[], projects: Record<Resolution, string>): Promise<typeof rangeErrors> {
    // All at once: each check is one tsc process, mostly parsing aws-cdk-lib's declarations.
    const checks = TYPESCRIPT_RANGE.flatMap(({ spec, resolutions }, index) =>
      resolutions.map(async (resolution) => ({ spec, resolution, errors: await tscErrors(compilers[index]!, app, projects[resolution]) })),
    );
    const errors: typeof rangeErrors = {};
    for (const { spec, resolution, errors: found } of await Promise.all(checks)) errors[spec] = { ...errors[spec], [resolution]: found };
    return errors;
  }

  async function deploy(): Promise<void> {
    const secrets = new SecretsManagerClient(moto.clientConfig);
    for (const name of [...Object.values(SECRETS), SINGLE_REFRESHER_APP.secretName]) {
      await secrets.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(DEMO_CREDENTIALS) }));
    }
    const cdk = join(app, 'node_modules', '.bin', 'cdk');
    const env = quietEnv({ ...moto.env, HOME: workdir });
    const common = ['--require-approval', 'never', '--no-notices', '--method=direct'];
    await run(cdk, ['bootstrap', `aws://${ACCOUNT}/${moto.clientConfig.region}`, '--no-notices'], { cwd: app, env, timeoutMs: 180_000 });
    await run(cdk, ['deploy', ...common, '-c', `sandboxBaseUrl=${simulator.url}`, '-c', `productionBaseUrl=${simulator.url}`], {
      cwd: app,
      env,
      timeoutMs: 240_000,
    });
    // The user's second app: one refresher in a stack of its own (after the first: the type checks run meanwhile).
    const single = ['--app', `npx tsx ${SINGLE_REFRESHER_APP.file}`, '--output', 'cdk.out.single', '-c', `faspayBaseUrl=${simulator.url}`];
    await run(cdk, ['deploy', ...common, ...single], { cwd: app, env, timeoutMs: 240_000 });
    const stack = (await new CloudFormationClient(moto.clientConfig).send(new DescribeStacksCommand({ StackName: 'Payments' })))
      .Stacks?.[0];
    outputs = Object.fromEntries((stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
    for (const key of ['SandboxRefresherName', 'ProductionRefresherName', 'PayoutFunctionName']) {
      deployed[key] = await fetchDeployedFunction(moto, outputs[key] ?? '', join(workdir, 'deployed'));
    }
  }

  afterAll(async () => {
    await simulator?.close();
    await moto?.stop();
    if (workdir !== undefined) rmSync(workdir, { recursive: true, force: true });
  });

  /** Runs a deployed handler in a fresh Node process with only its deployed environment and moto's. */
  async function invoke(
    { configuration, codeDir }: DeployedFunction,
    event: unknown,
  ): Promise<{ result?: Record<string, unknown>; output: string }> {
    const entry = join(codeDir, configuration.Handler === 'index.handler' && contentsOf(codeDir, 'index.mjs') ? 'index.mjs' : 'index.js');
    const script = `
      const mod = await import(${JSON.stringify(pathToFileURL(entry).href)});
      const handler = mod.handler ?? mod.default?.handler;
      try { console.log('RESULT ' + JSON.stringify(await handler(JSON.parse(process.env.TEST_EVENT), { getRemainingTimeInMillis: () => 30000 }))); }
      catch (error) { console.log('ERROR ' + (error.code ?? error.name)); }`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: codeDir,
      env: {
        PATH: process.env.PATH ?? '',
        ...configuration.Environment?.Variables,
        ...moto.env,
        AWS_LAMBDA_FUNCTION_NAME: configuration.FunctionName ?? '',
        TEST_EVENT: JSON.stringify(event),
      },
      timeoutMs: 60_000,
    });
    const result = /^RESULT (.*)$/m.exec(stdout)?.[1];
    return { ...(result === undefined ? {} : { result: JSON.parse(result) as Record<string, unknown> }), output: stdout + stderr };
  }

  it('packs the runtime, the declarations, the prebuilt asset and the docs, and nothing else', () => {
    expect(contents).toEqual(
      expect.arrayContaining(['README.md', 'LICENSE', 'SECURITY.md', 'package.json', 'cli/bin.mjs', 'dist/cli/main.js']),
    );
    expect(contents).toEqual(
      expect.arrayContaining(['dist/esm/functions/consumer/index.js', 'dist/esm/functions/consumer/index.d.ts', 'dist/esm/infra/index.js']),
    );
    expect(contents).toEqual(
      expect.arrayContaining([
        'dist/cjs/package.json',
        'dist/cjs/consumer.js',
        'dist/cjs/cdk.js',
        'dist/cjs/functions/consumer/index.d.ts',
      ]),
    );
    expect(contents).toEqual(expect.arrayContaining(['dist/assets/refresher/index.mjs', 'dist/assets/refresher/index.mjs.map']));
    // No tests, benches, examples or TypeScript sources; no credential files; only the asset users deploy.
    expect(contents.filter((file) => /^(test|bench|examples|simulation|build|docs)\//.test(file))).toEqual([]);
    expect(contents.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(
      contents.filter((file) => (file.endsWith('.json') && !file.endsWith('package.json')) || /\.(env|pem|key|tgz)$/.test(file)),
    ).toEqual([]);
    expect(contents.filter((file) => file.startsWith('dist/assets/') && !file.startsWith('dist/assets/refresher/'))).toEqual([]);
    expect(contents.filter((file) => /functions\/refresher\/(handler|container|observability)/.test(file))).toEqual([]);
  });

  it('type-checks the app as its README says, with the settings it tells users to copy, moduleResolution nodenext and bundler', () => {
    // No filter: examples/payments-app sets skipLibCheck as aws-cdk-lib needs it (docs/install.md says why).
    expect(typeErrors.nodenext).toEqual([]);
    expect(typeErrors.bundler).toEqual([]);
  });

  it("checks the consumer entry's declarations with skipLibCheck off", () => {
    expect(typeErrors.consumerLib).toEqual([]);
  });

  it('compiles the TypeScript blocks of README.md and docs/ against the packed package', () => {
    expect(snippetErrors.count).toBeGreaterThanOrEqual(9);
    expect(snippetErrors.errors).toEqual([]);
  });

  it('checks the package declarations under TypeScript 5.0 (nodenext, bundler, node10) and the latest 7 (nodenext, bundler)', () => {
    expect(rangeErrors).toEqual({
      '5.0': { nodenext: [], bundler: [], node10: [] },
      '7': { nodenext: [], bundler: [] },
    });
  });

  it('loads the client with plain node as CommonJS without CDK, Secrets Manager or EventBridge', async () => {
    const script = `
      const consumer = require('${PACKAGE_NAME}');
      const loaded = Object.keys(require.cache).filter((f) => /aws-cdk-lib|constructs|client-secrets-manager|client-eventbridge|powertools/.test(f));
      const { FaspayTokenRefresher } = require('${PACKAGE_NAME}/cdk');
      console.log(JSON.stringify({ exports: Object.keys(consumer).sort(), loaded, construct: typeof FaspayTokenRefresher }));`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: app, env: quietEnv(), timeoutMs: 30_000 });
    const answer = JSON.parse(stdout) as { exports: string[]; loaded: string[]; construct: string };
    expect(answer.exports).toEqual(
      expect.arrayContaining(['createFaspayTokenProvider', 'createSignedFaspayFetch', 'isCodedError', 'TokenProviderError']),
    );
    expect(answer.loaded).toEqual([]);
    expect(answer.construct).toBe('function');
  });

  it("keeps the ES build's import graph: no CDK, refresher, Powertools, Secrets Manager or EventBridge client, and nothing behind import()", async () => {
    // The same walk as test/consumer/imports.test.ts, on the installed dist/esm instead of the sources.
    const entry = join(app, 'node_modules', PACKAGE_NAME, 'dist', 'esm', 'functions', 'consumer', 'index.js');
    const { metafile } = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const staticPackages = new Set<string>();
    const staticFiles = new Set<string>();
    const dynamic = new Set<string>();
    const pending = Object.keys(metafile.inputs).filter((file) => file.endsWith('dist/esm/functions/consumer/index.js'));
    while (pending.length > 0) {
      const file = pending.pop() ?? '';
      if (staticFiles.has(file)) continue;
      staticFiles.add(file);
      for (const edge of metafile.inputs[file]?.imports ?? []) {
        if (edge.kind === 'dynamic-import') dynamic.add(edge.path.replace(/^.*dist\/esm\//, ''));
        else if (edge.external) staticPackages.add(edge.path);
        else pending.push(edge.path);
      }
    }
    expect(
      [...staticPackages].filter((name) => /client-secrets-manager|client-eventbridge|aws-cdk|constructs|powertools/.test(name)),
    ).toEqual([]);
    expect([...staticFiles].filter((file) => /functions\/refresher|infra\/|cli\//.test(file))).toEqual([]);
    expect(staticPackages).toContain('@aws-sdk/client-ssm');
    // The signer the rare calls use resolves from the installed package's dependencies, and nothing is loaded lazily.
    expect(staticPackages).toContain('@smithy/signature-v4');
    expect([...dynamic]).toEqual([]);
  });

  it('loads the client with plain node as an ES module, the same surface as the CommonJS build', async () => {
    const script = `
      const esm = await import('${PACKAGE_NAME}');
      const cjs = (await import('node:module')).createRequire(process.cwd() + '/')('${PACKAGE_NAME}/consumer');
      const cdk = await import('${PACKAGE_NAME}/cdk');
      console.log(JSON.stringify({ esm: Object.keys(esm).sort(), cjs: Object.keys(cjs).sort(), cdk: Object.keys(cdk).sort() }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env: quietEnv(), timeoutMs: 30_000 });
    const answer = JSON.parse(stdout) as { esm: string[]; cjs: string[]; cdk: string[] };
    expect(answer.esm).toEqual(answer.cjs);
    expect(answer.cdk).toEqual(expect.arrayContaining(['FaspayTokenRefresher', 'FASPAY_PRODUCTION_BASE_URL', 'FASPAY_SANDBOX_BASE_URL']));
  });

  it('runs the faspay-token command with plain node, and its help names that command', async () => {
    const { stdout } = await run(join(app, 'node_modules', '.bin', 'faspay-token'), ['--help'], {
      cwd: app,
      env: quietEnv(),
      timeoutMs: 30_000,
    });
    expect(stdout).toMatch(/^Usage: faspay-token <command>/);
    expect(stdout).not.toMatch(/npm run|tsx/);
  });

  it('deploys both refreshers with the prebuilt asset from the package, each with its own parameter and secret', () => {
    const sandbox = deployed.SandboxRefresherName!.configuration;
    const production = deployed.ProductionRefresherName!.configuration;
    for (const configuration of [sandbox, production]) {
      expect(configuration).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    }
    expect(sandbox.CodeSha256).toBe(production.CodeSha256);
    const shipped = readFileSync(join(app, 'node_modules', PACKAGE_NAME, 'dist', 'assets', 'refresher', 'index.mjs'));
    expect(readFileSync(join(deployed.SandboxRefresherName!.codeDir, 'index.mjs')).equals(shipped)).toBe(true);
    expect(sandbox.Environment?.Variables).toMatchObject({
      TOKEN_PARAMETER_NAME: PARAMETERS.sandbox,
      FASPAY_CREDENTIALS_SECRET_ID: SECRETS.sandbox,
    });
    expect(production.Environment?.Variables).toMatchObject({
      TOKEN_PARAMETER_NAME: PARAMETERS.production,
      FASPAY_CREDENTIALS_SECRET_ID: SECRETS.production,
    });
  });

  it('runs each deployed refresher: each publishes its own token', async () => {
    const ssm = new SSMClient(moto.clientConfig);
    for (const [key, parameter] of [
      ['SandboxRefresherName', PARAMETERS.sandbox],
      ['ProductionRefresherName', PARAMETERS.production],
    ] as const) {
      const run = await invoke(deployed[key]!, { trigger: 'schedule', scheduledTime: new Date().toISOString(), executionId: key });
      expect(run.result, run.output).toMatchObject({ refreshed: true });
      const stored = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
      expect(stored.Parameter?.Type).toBe('SecureString');
    }
    expect(simulator.issuedTokens()).toBe(2);
  }, 120_000);

  it("runs the payout Lambda's bundle: one transfer end to end against the simulator, signed with the production token", async () => {
    const before = simulator.balance();
    const payout = await invoke(deployed.PayoutFunctionName!, {
      virtualAccount: '9920001189',
      amount: '250000',
      trxNo: 'INV-42',
      beneficiary: { account: '1060045760', name: 'Budi Santoso', bankCode: '014' },
    });
    expect(payout.result, payout.output).toEqual({
      ok: true,
      step: 'inquiry_status',
      httpStatus: 200,
      responseCode: '00',
      trxStatus: '2',
      trxId: expect.any(String),
    });
    expect(simulator.balance()).toBe(before - 250_000);
    expect(deployed.PayoutFunctionName!.configuration.Environment?.Variables).toMatchObject({ FASPAY_TOKEN_REJECTION_BUS: 'default' });
  }, 60_000);

  describe('the installed faspay-token on the deployed stacks (--stack, --refresher)', () => {
    /** Every output of the installed command in these tests, for the check that none names an npm script. */
    const printed: string[] = [];
    const faspayToken = async (...args: string[]): Promise<CommandRun> => {
      const result = await runFaspayToken(app, args, quietEnv({ ...moto.env, HOME: workdir }));
      printed.push(result.stdout, result.stderr);
      return result;
    };
    /** The stack's one function, from CloudFormation's resources (not from the record the CLI reads). */
    const functionOfStack = async (stackName: string): Promise<string> => {
      const resources = await new CloudFormationClient(moto.clientConfig).send(new ListStackResourcesCommand({ StackName: stackName }));
      const functions = (resources.StackResourceSummaries ?? []).filter((resource) => resource.ResourceType === 'AWS::Lambda::Function');
      expect(functions).toHaveLength(1);
      return functions[0]?.PhysicalResourceId ?? '';
    };
    // moto runs no Lambda code (it needs Docker): refresh must reach the function, and say so with the way out.
    const expectMotoCannotRun = (result: CommandRun, functionName: string, describedAs: string) => {
      expect(result.stdout).toContain(`function       ${functionName} (${describedAs})`);
      expect(result.stderr).toMatch(new RegExp(`the refresher function "${functionName}" failed with Handled: error running docker`));
      expect(result.stderr).toMatch(
        /\nhint: this Lambda endpoint cannot run the function's code .*faspay-token local --aws --faspay-url URL/,
      );
      expect(result.code).toBe(5);
    };

    it('with one refresher: credentials --demo, refresh --force and status find it from --stack alone', async () => {
      const { stack, constructId, secretName, parameterName } = SINGLE_REFRESHER_APP;
      const found = `refresher ${constructId} of stack ${stack}`;

      const credentials = await faspayToken('credentials', '--stack', stack, '--demo');
      expect(credentials.code, credentials.stderr).toBe(0);
      expect(credentials.stdout).toContain(`secret         ${secretName} (${found})`);
      expect(credentials.stdout).toContain('new version put, credentials sha256');
      expect(credentials.stdout).toContain(`faspay-token refresh --stack ${stack} --refresher ${constructId} --force`);

      expectMotoCannotRun(await faspayToken('refresh', '--stack', stack, '--force'), await functionOfStack(stack), found);

      // The first token as the hint says on an emulator, then status reads the parameter the stack names.
      const missing = await faspayToken('status', '--stack', stack);
      expect(missing.code).toBe(8);
      expect(missing.stdout).toContain(`parameter      ${parameterName} (${found})`);
      const local = await faspayToken(
        'local',
        '--aws',
        '--faspay-url',
        simulator.url,
        '--secret-id',
        secretName,
        '--parameter-name',
        parameterName,
      );
      expect(local.code, local.stdout + local.stderr).toBe(0);
      const status = await faspayToken('status', '--stack', stack, '--json');
      expect(status.code, status.stdout).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        health: 'healthy',
        parameter: { name: parameterName, nameSource: 'stack', stack, refresher: `${stack}/${constructId}` },
      });
    }, 120_000);

    it('with two refreshers: each command asks which, listing both, and works once --refresher picks one', async () => {
      for (const command of [['credentials', '--demo'], ['refresh', '--force'], ['status']]) {
        const ambiguous = await faspayToken(...command, '--stack', 'Payments');
        expect(ambiguous.code, ambiguous.stderr).toBe(2);
        expect(ambiguous.stderr).toMatch(
          /REFRESHER_AMBIGUOUS.*stack "Payments" holds 2 refreshers: SandboxToken \(path Payments\/SandboxToken, parameter \/payments\/faspay\/sandbox\/access-token\), ProductionToken /,
        );
      }

      const credentials = await faspayToken('credentials', '--stack', 'Payments', '--refresher', 'SandboxToken', '--demo');
      expect(credentials.code, credentials.stderr).toBe(0);
      expect(credentials.stdout).toContain(`secret         ${SECRETS.sandbox} (refresher SandboxToken of stack Payments)`);

      const refresh = await faspayToken('refresh', '--stack', 'Payments', '--refresher', 'ProductionToken', '--force');
      expectMotoCannotRun(refresh, outputs.ProductionRefresherName ?? '', 'refresher ProductionToken of stack Payments');

      // Tokens were stored by the deployed code above ('runs each deployed refresher').
      const status = await faspayToken('status', '--stack', 'Payments', '--refresher', PARAMETERS.production, '--json');
      expect(status.code, status.stdout).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        health: 'healthy',
        parameter: { name: PARAMETERS.production, refresher: 'Payments/ProductionToken' },
      });
    }, 120_000);

    it('prints the package version, and no help, hint or example that names an npm script', async () => {
      const version = await faspayToken('--version');
      expect(version.stdout.trim()).toBe(
        (JSON.parse(readFileSync(join(app, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8')) as { version: string }).version,
      );
      const helps = await Promise.all(
        [[], ['local'], ['refresh'], ['status'], ['credentials'], ['simulator']].map((command) => faspayToken(...command, '--help')),
      );
      for (const help of helps) expect(help.stdout).toMatch(/^Usage: faspay-token /);
      expect(helps.map((help) => help.stdout).join('\n')).toContain('faspay-token refresh --force');
      // Everything the installed command printed in these tests: helps, hints, next steps.
      expect(printed.join('\n').match(/npm (run|start)\b[^\n]*/g) ?? []).toEqual([]);
    }, 120_000);
  });
});

function contentsOf(dir: string, file: string): boolean {
  try {
    readFileSync(join(dir, file));
    return true;
  } catch {
    return false;
  }
}
