import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorName } from '../../functions/adapters/errors.js';
import { REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import type { FaspayCredentials } from '../../functions/faspay/index.js';
import { DEMO_CREDENTIALS } from '../../simulator/index.js';
import { flagOrEnv } from '../args.js';
import { AWS_OPTIONS, awsFailure, DEFAULT_STACK_NAME, withAwsClient } from '../aws.js';
import { type CommandArgs, defineCommand, writeJson } from '../command.js';
import { readCredentialsFile } from '../credentials-file.js';
import { UsageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { credentialsFingerprint, line } from '../format.js';
import type { CliIo } from '../io.js';
import { commandLine, type Program } from '../program.js';
import { describeFound, type FoundRefresher, findRefresher, refresherFlagValue, refuseRefresherWith } from '../refresher-lookup.js';

const help = (
  program: Program,
) => `Usage: ${commandLine(program, 'credentials', '(--credentials FILE | --demo) [--secret-id ID | --stack NAME] [options]')}

Stores a Faspay credential set in the Secrets Manager secret the refresher reads. The file is
checked first (the seven keys, values never shown); with --secret-id the secret is created when it
does not exist yet, otherwise a new version is put. Prints the set's fingerprint (first 12 hex of
SHA-256), never a value. Works the same on real AWS and on an emulator (AWS_ENDPOINT_URL), with no
AWS CLI needed.

Options:
  --credentials FILE  the credential set as JSON, the secret's format: faspay_key, faspay_secret,
                      app_key, app_secret, client_key, client_secret, iv (keep the file outside
                      the repository, readable only by you, and delete it afterwards)
  --demo              the simulator's demo set (public, made-up values): only against an emulator
  --secret-id ID      the secret's name or ARN (default $${REFRESHER_SETTINGS.credentialsSecretId.env}; created if missing)
  --stack NAME        the stack whose refresher names the secret (default ${DEFAULT_STACK_NAME}, when no
                      --secret-id is given)
  --refresher ID      which refresher of the stack, when it holds several: its construct id, path
                      or token parameter name
  --region REGION     AWS region (default: the SDK's, e.g. $AWS_REGION)
  --json              one JSON object on stdout
  -h, --help          this help

Exit codes: 0 stored, 2 usage (or several refreshers and no --refresher), 3 the file is unreadable
or wrong (named keys), unknown stack or refresher, no AWS credentials/region, 5 AWS refused or failed.

Examples:
  ${commandLine(program, 'credentials', `--stack ${DEFAULT_STACK_NAME} --credentials ~/faspay-sandbox.json`)}
  ${commandLine(program, 'credentials', '--stack Payments --refresher ProductionToken --credentials ~/faspay-production.json')}
  ${commandLine(program, 'credentials', '--secret-id faspay/sendme/credentials --demo')}     # against an emulator
`;

const OPTIONS = {
  credentials: { type: 'string' },
  demo: { type: 'boolean', default: false },
  'secret-id': { type: 'string' },
  ...AWS_OPTIONS,
} as const;

type CredentialsArgs = CommandArgs<typeof OPTIONS>;

export const credentialsCommand = defineCommand('credentials', OPTIONS, help, async (args, io, program) => {
  checkCombination(args, io);
  // The file is read before any AWS call: a wrong file must never reach the secret.
  const credentials: FaspayCredentials = args.demo ? DEMO_CREDENTIALS : await readCredentialsFile(args.credentials!, io.cwd);
  return withAwsClient(SecretsManagerClient, args.region, async (secrets) => {
    const target = await resolveSecret(args, io);
    const outcome = await storeCredentials(secrets, target, JSON.stringify(credentials), io);
    const fingerprint = credentialsFingerprint(credentials);
    if (args.json) {
      writeJson(io, { ok: true, secretId: target.secretId, outcome, fingerprint, source: args.demo ? 'demo' : 'file' });
    } else {
      io.stdout.write(
        line('secret', `${target.secretId}${target.found === undefined ? '' : ` (${describeFound(target.found)})`}`) +
          line(
            'stored',
            `${outcome === 'created' ? 'created the secret' : 'new version put'}, credentials sha256 ${fingerprint}… (values never shown)`,
          ) +
          line('next', `the next refresh uses them; to replace the token now: ${commandLine(program, 'refresh', forceArgs(target))}`),
      );
    }
    return EXIT_CODES.ok;
  });
});

function checkCombination(args: CredentialsArgs, io: CliIo): void {
  if (args.demo === (args.credentials !== undefined)) {
    throw new UsageError('pass exactly one of --credentials FILE and --demo (see: credentials --help)');
  }
  if (args['secret-id'] !== undefined && args.stack !== undefined) {
    throw new UsageError('--secret-id and --stack are exclusive: name the secret, or the stack whose refresher names it');
  }
  refuseRefresherWith('--secret-id', args, args['secret-id']);
  if (args.demo && flagOrEnv(undefined, io.env, 'AWS_ENDPOINT_URL') === undefined) {
    throw new UsageError(
      '--demo stores made-up credentials that only the simulator accepts: use it against an emulator (AWS_ENDPOINT_URL), or pass --credentials FILE',
    );
  }
}

interface SecretTarget {
  readonly secretId: string;
  /** Set when the secret came from a stack's refresher: such a secret exists, so it is never created. */
  readonly found?: FoundRefresher;
}

async function resolveSecret(args: CredentialsArgs, io: CliIo): Promise<SecretTarget> {
  const secretId = flagOrEnv(args['secret-id'], io.env, REFRESHER_SETTINGS.credentialsSecretId.env);
  if (secretId !== undefined && args.stack === undefined && args.refresher === undefined) return { secretId };
  const found = await findRefresher({ ...args, alternative: '--secret-id ID' }, io.env);
  return { secretId: found.record.credentialsSecretId, found };
}

/** The `refresh` flags that reach the same refresher as these credentials. */
function forceArgs(target: SecretTarget): string {
  if (target.found === undefined) return '--force';
  const { stackName, record } = target.found;
  const stack = stackName === DEFAULT_STACK_NAME ? '' : `--stack ${stackName} `;
  return `${stack}--refresher ${refresherFlagValue(record)} --force`;
}

async function storeCredentials(
  secrets: SecretsManagerClient,
  target: SecretTarget,
  value: string,
  io: CliIo,
): Promise<'created' | 'updated'> {
  try {
    await secrets.send(new PutSecretValueCommand({ SecretId: target.secretId, SecretString: value }));
    return 'updated';
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException')
      throw awsFailure(`cannot store the credentials in "${target.secretId}"`, error, io.env);
    if (target.found !== undefined || target.secretId.startsWith('arn:')) {
      throw awsFailure(`the secret "${target.secretId}" does not exist (check --region)`, error, io.env);
    }
  }
  try {
    await secrets.send(new CreateSecretCommand({ Name: target.secretId, SecretString: value }));
    return 'created';
  } catch (error) {
    throw awsFailure(`cannot create the secret "${target.secretId}"`, error, io.env);
  }
}
