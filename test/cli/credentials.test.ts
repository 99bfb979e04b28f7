import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { credentialsFingerprint } from '../../cli/format.js';
import type { RefresherRecord } from '../../functions/contracts/refresher-record.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';
import { type MotoServer, resetMoto, startMoto } from '../support/moto.js';
import { findLeaks } from '../support/output-capture.js';
import { PARAMETER_NAME, SECRET_NAME } from '../support/refresher-harness.js';
import { recordOutput, refresherRecord } from '../support/refresher-records.js';
import { allOutput, runCli } from './cli-harness.js';

const OTHER_SET = { ...DEMO_CREDENTIALS, faspay_secret: 'rotated-secret-value-0001', iv: 'rotated-iv-value-0002' };

let moto: MotoServer;
let directory: string;
let secrets: SecretsManagerClient;

beforeAll(async () => {
  moto = await startMoto();
  secrets = new SecretsManagerClient(moto.clientConfig);
  directory = mkdtempSync(join(tmpdir(), 'cli-credentials-'));
});

afterAll(async () => {
  secrets?.destroy();
  await moto?.stop();
  rmSync(directory, { recursive: true, force: true });
  expect(findLeaks(allOutput.join('\n'), [...Object.values(DEMO_CREDENTIALS), ...Object.values(OTHER_SET)])).toEqual([]);
});

beforeEach(async () => {
  await resetMoto(moto);
  for (const [name, value] of Object.entries(moto.env)) vi.stubEnv(name, value);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function secretValue(secretId = SECRET_NAME): Promise<unknown> {
  const answer = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  return JSON.parse(answer.SecretString ?? 'null');
}

function credentialsFile(value: unknown): string {
  const file = join(directory, `set-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
  return file;
}

describe('Command: credentials (fills the credentials secret, no AWS CLI needed)', () => {
  it('creates a missing secret with the demo set, then puts a rotated set as a new version, showing only fingerprints', async () => {
    const created = await runCli(['credentials', '--secret-id', SECRET_NAME, '--demo']);
    const rotated = await runCli(['credentials', '--secret-id', SECRET_NAME, '--credentials', credentialsFile(OTHER_SET)]);

    expect(created.code).toBe(EXIT_CODES.ok);
    expect(created.stdout).toContain(
      `stored         created the secret, credentials sha256 ${credentialsFingerprint(DEMO_CREDENTIALS)}… (values never shown)`,
    );
    expect(rotated.code).toBe(EXIT_CODES.ok);
    expect(rotated.stdout).toContain(`stored         new version put, credentials sha256 ${credentialsFingerprint(OTHER_SET)}…`);
    expect(rotated.stdout).toContain('npm run refresh -- --force');
    expect(await secretValue()).toEqual(OTHER_SET);
  });

  it('a file with wrong keys is refused before any AWS call, naming the keys and never a value', async () => {
    const { iv: _omitted, ...withoutIv } = OTHER_SET;
    const run = await runCli(['credentials', '--secret-id', SECRET_NAME, '--credentials', credentialsFile({ ...withoutIv, app_key: '' })]);

    expect(run.code).toBe(EXIT_CODES.configuration);
    expect(run.stderr).toMatch(/CREDENTIALS_INVALID.*missing: iv.*empty: app_key/);
    await expect(secretValue()).rejects.toThrow(/ResourceNotFound|can't find/i);
  });

  it('--json prints one object with the outcome and the fingerprint', async () => {
    const run = await runCli(['credentials', '--secret-id', SECRET_NAME, '--demo', '--json']);

    expect(run.json()).toEqual({
      ok: true,
      secretId: SECRET_NAME,
      outcome: 'created',
      fingerprint: credentialsFingerprint(DEMO_CREDENTIALS),
      source: 'demo',
    });
  });

  it.each([
    [['credentials', '--secret-id', SECRET_NAME], /exactly one of --credentials FILE and --demo/],
    [['credentials', '--secret-id', SECRET_NAME, '--demo', '--credentials', 'x.json'], /exactly one of --credentials FILE and --demo/],
    [['credentials', '--secret-id', SECRET_NAME, '--stack', 'S', '--demo'], /--secret-id and --stack are exclusive/],
  ])('%j is a usage error', async (argv, message) => {
    const run = await runCli(argv);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toMatch(message);
  });

  it('--demo is refused against real AWS (no AWS_ENDPOINT_URL): made-up values must not reach a real secret', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', '');

    const run = await runCli(['credentials', '--secret-id', SECRET_NAME, '--demo']);

    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toContain('use it against an emulator (AWS_ENDPOINT_URL), or pass --credentials FILE');
  });
});

describe('Command: credentials --stack (the secret the stack created)', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  afterAll(() => cloudFormation.restore());

  const stackHolding = (...records: RefresherRecord[]) => ({
    Stacks: [
      {
        StackName: 'S',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE' as const,
        Outputs: records.map((record, index) => ({ OutputKey: `CliRecord${index}`, OutputValue: recordOutput(record) })),
      },
    ],
  });

  it("puts the set into the secret the stack's refresher names, and never creates one there", async () => {
    const arn = 'arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:FaspayCredentials-AbCdEf';
    cloudFormation.on(DescribeStacksCommand).resolves(stackHolding(refresherRecord('S', 'Refresher', { credentialsSecretId: arn })));

    const run = await runCli(['credentials', '--stack', 'S', '--demo']);

    expect(run.code).toBe(EXIT_CODES.aws);
    expect(run.stderr).toContain(`the secret "${arn}" does not exist (check --region): ResourceNotFoundException`);
  });

  it('with two refreshers, --refresher picks the secret, and the next step names the same refresher', async () => {
    await runCli(['credentials', '--secret-id', 'payments/production', '--demo']);
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(
        stackHolding(
          refresherRecord('S', 'Sandbox', { credentialsSecretId: 'payments/sandbox' }),
          refresherRecord('S', 'Production', { credentialsSecretId: 'payments/production' }),
        ),
      );

    const ambiguous = await runCli(['credentials', '--stack', 'S', '--credentials', credentialsFile(OTHER_SET)]);
    const picked = await runCli(['credentials', '--stack', 'S', '--refresher', 'Production', '--credentials', credentialsFile(OTHER_SET)]);

    expect(ambiguous.code).toBe(EXIT_CODES.usage);
    expect(ambiguous.stderr).toMatch(/REFRESHER_AMBIGUOUS.*holds 2 refreshers: Sandbox .*, Production /);
    expect(picked.code, picked.stderr).toBe(EXIT_CODES.ok);
    expect(picked.stdout).toContain('secret         payments/production (refresher Production of stack S)');
    expect(picked.stdout).toContain('npm run refresh -- --stack S --refresher Production --force');
    expect(await secretValue('payments/production')).toEqual(OTHER_SET);
  });
});

describe('Command: local --aws with a secret that does not exist', () => {
  it('exits 5 and says how to create the secret', async () => {
    const run = await runCli(['local', '--aws', '--secret-id', 'faspay/sendme/nowhere', '--parameter-name', PARAMETER_NAME]);

    expect(run.code).toBe(EXIT_CODES.aws);
    expect(run.stderr).toContain('cannot read the credentials secret "faspay/sendme/nowhere": ResourceNotFoundException');
    expect(run.stderr).toContain(
      'hint: the secret does not exist in this account and region: check the id and --region, or create it with npm run cli -- credentials',
    );
  });
});
