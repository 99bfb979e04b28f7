import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { fingerprint } from '../../cli/format.js';
import { parseTokenDocument } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';
import { findLeaks } from '../support/output-capture.js';
import { createCredentialsSecret, PARAMETER_NAME, readParameter, SECRET_NAME } from '../support/refresher-harness.js';
import { allOutput, recordIssuedTokens, runCli } from './cli-harness.js';

const AWS_FLAGS = ['--aws', '--secret-id', SECRET_NAME, '--parameter-name', PARAMETER_NAME];

let moto: MotoServer;
let issued: ReturnType<typeof recordIssuedTokens>;

beforeAll(async () => {
  moto = await startMoto();
  issued = recordIssuedTokens();
});

afterAll(async () => {
  issued?.restore();
  await moto?.stop();
  expect(issued.tokens.length).toBeGreaterThan(2);
  expect(findLeaks(allOutput.join('\n'), [...Object.values(DEMO_CREDENTIALS), ...issued.tokens])).toEqual([]);
});

beforeEach(async () => {
  await resetMoto(moto);
  for (const [name, value] of Object.entries(moto.env)) vi.stubEnv(name, value);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Command: local --aws (Secrets Manager and SSM through AWS_ENDPOINT_URL)', () => {
  it('reads the credentials from the secret, publishes the SecureString, and the consumer signs a call with it', async () => {
    await createCredentialsSecret(moto, DEMO_CREDENTIALS);

    const run = await runCli(['local', ...AWS_FLAGS]);

    expect(run.code).toBe(EXIT_CODES.ok);
    expect(run.stdout).toContain(`store          SSM parameter ${PARAMETER_NAME} (not created yet)`);
    expect(run.stdout).toContain(`through AWS_ENDPOINT_URL ${moto.endpoint}`);
    expect(run.stdout).toContain(`credentials    from secret ${SECRET_NAME}, sha256`);
    const stored = await readParameter(moto);
    expect(stored).toMatchObject({ type: 'SecureString', version: 1 });
    expect(run.stdout).toContain(`token sha256 ${fingerprint(parseTokenDocument(stored!.value).accessToken)}…`);
    expect(run.stdout).toContain('signature and token accepted');
  });

  it("takes the deployed refresher's own lease in SSM (here: over a crashed run's stale one) and releases it after the write", async () => {
    // GIVEN a lease left by a deployed run that crashed a minute ago
    await createCredentialsSecret(moto, DEMO_CREDENTIALS);
    const ssm = new SSMClient(moto.clientConfig);
    const stale = JSON.stringify({ holder: 'crashed-deployed-run', expiresAt: new Date(Date.now() - 60_000).toISOString() });
    await ssm.send(new PutParameterCommand({ Name: `${PARAMETER_NAME}.lease`, Value: stale, Type: 'String' }));

    // WHEN a local run refreshes
    const run = await runCli(['local', ...AWS_FLAGS]);

    // THEN it stored the token and left no lease behind (a lease of its own process would leave the stale one)
    expect(run.code).toBe(EXIT_CODES.ok);
    expect((await readParameter(moto))?.version).toBe(1);
    await expect(ssm.send(new GetParameterCommand({ Name: `${PARAMETER_NAME}.lease` }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
  });

  it('a second run finds the token fresh, leaves it alone, and says why it skips the service call', async () => {
    await createCredentialsSecret(moto, DEMO_CREDENTIALS);
    await runCli(['local', ...AWS_FLAGS]);

    const run = await runCli(['local', ...AWS_FLAGS, '--json']);

    expect(run.code).toBe(0);
    const events = run.jsonLines();
    expect(events.find((event) => event.event === 'store')).toMatchObject({ kind: 'ssm', exists: true, version: 1 });
    expect(events.find((event) => event.event === 'decision')).toMatchObject({
      refresh: false,
      reason: 'fresh',
      stored: 'valid',
      version: 1,
    });
    expect(events.some((event) => event.event === 'token-request')).toBe(false);
    expect(events.find((event) => event.event === 'service-call-skipped')).toBeDefined();
    expect((await readParameter(moto))?.version).toBe(1);
  });

  it('--force replaces the fresh token, and status then reports it healthy', async () => {
    await createCredentialsSecret(moto, DEMO_CREDENTIALS);
    await runCli(['local', ...AWS_FLAGS]);

    const forced = await runCli(['local', ...AWS_FLAGS, '--force']);
    const status = await runCli(['status', '--json']);

    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('stored         version 2');
    expect(status.json()).toMatchObject({ ok: true, health: 'healthy', parameter: { name: PARAMETER_NAME, version: 2 } });
  });

  it('takes the names from FASPAY_CREDENTIALS_SECRET_ID and TOKEN_PARAMETER_NAME', async () => {
    await createCredentialsSecret(moto, DEMO_CREDENTIALS);
    vi.stubEnv('FASPAY_CREDENTIALS_SECRET_ID', SECRET_NAME);
    vi.stubEnv('TOKEN_PARAMETER_NAME', PARAMETER_NAME);

    const run = await runCli(['local', '--aws']);

    expect(run.code).toBe(0);
    expect((await readParameter(moto))?.version).toBe(1);
  });

  it('a missing secret is an AWS failure (exit 5) naming the secret, and nothing is written', async () => {
    const run = await runCli(['local', ...AWS_FLAGS]);

    expect(run.code).toBe(EXIT_CODES.aws);
    expect(run.stderr).toContain(
      `CREDENTIALS_UNAVAILABLE, exit 5): cannot read the credentials secret "${SECRET_NAME}": ResourceNotFoundException`,
    );
    expect(await readParameter(moto)).toBeUndefined();
  });

  it('a secret with the wrong keys names them (exit 3)', async () => {
    await new SecretsManagerClient(moto.clientConfig).send(
      new CreateSecretCommand({
        Name: SECRET_NAME,
        SecretString: JSON.stringify({ faspay_key: 'REPLACE_ME', faspay_secret: '', appKey: 'x' }),
      }),
    );

    const run = await runCli(['local', ...AWS_FLAGS]);

    expect(run.code).toBe(EXIT_CODES.configuration);
    expect(run.stderr).toContain('missing: app_key, app_secret, client_key, client_secret, iv; empty: faspay_secret');
    expect(run.stderr).not.toContain('REPLACE_ME');
  });

  it.each([
    [
      ['local', '--aws'],
      /--aws needs --secret-id ID \(or FASPAY_CREDENTIALS_SECRET_ID\) and --parameter-name NAME \(or TOKEN_PARAMETER_NAME\)/,
    ],
    [['local', '--aws', '--secret-id', SECRET_NAME], /--aws needs --parameter-name NAME/],
  ])('%j is a usage error naming what is missing', async (argv, message) => {
    const run = await runCli(argv);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toMatch(message);
  });

  it('refuses to put a simulator token into a real (non-emulated) parameter', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', undefined);

    const run = await runCli(['local', ...AWS_FLAGS]);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain('--aws without --faspay-url would store a simulator token in a real SSM parameter');
  });

  it('says what to set when there are no AWS credentials', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');

    const run = await runCli(['local', ...AWS_FLAGS]);

    expect(run.code).toBe(EXIT_CODES.configuration);
    expect(run.stderr).toMatch(/no AWS credentials were found: set AWS_PROFILE/);
  });
});
