import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { borrowSecretsManager } from '../../functions/adapters/aws-json-call.js';
import { createMemoryTokenStore, createSsmTokenStore } from '../../functions/adapters/parameter-store.js';
import { createSecretsManagerCredentialsSource, staticCredentialsSource } from '../../functions/adapters/secrets.js';
import { DEFAULT_TOKEN_PARAMETER_NAME } from '../../functions/contracts/settings.js';
import type { FaspayCredentials } from '../../functions/faspay/index.js';
import type { RefresherOverrides } from '../../functions/lambda/composition.js';
import { createMemoryRefreshLease } from '../../functions/refresher/lease.js';
import { readTokenState, type StoredTokenState, type TokenSource } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { openAwsClient } from '../aws.js';
import { readCredentialsFile } from '../credentials-file.js';
import { credentialsFingerprint, formatSpan, isoSeconds, line } from '../format.js';
import type { CliIo } from '../io.js';
import type { Reporter } from './reporter.js';

/** Where each side of the local run comes from, as decided from the flags. */
export interface LocalPlan {
  /** A real Faspay (or an already running simulator); undefined: start the simulator here. */
  readonly faspayUrl?: URL;
  readonly credentialsFile?: string;
  /** Secrets Manager + SSM instead of demo/file credentials and the in-memory store. */
  readonly aws?: { readonly secretId: string; readonly parameterName: string; readonly region?: string };
  readonly tokenLifetimeSeconds: number;
}

/** The running pieces a refresh cycle needs. */
export interface LocalRig {
  readonly faspayBaseUrl: URL;
  readonly simulator?: RunningSimulator;
  /** Loaded once here to sign the consumer's service calls (the refresher loads them itself). */
  readonly credentials: FaspayCredentials;
  /** Where the consumers read the token the refresher stores. */
  readonly store: TokenSource;
  readonly parameterName: string;
  /** The refresher's secret setting: the real one with --aws, else a name for the credentials given here. */
  readonly credentialsSecretId: string;
  /**
   * What differs from the deployed refresher: in memory, the store, the lease and the credentials;
   * with --aws, only the SDK clients (so the local run takes the deployed refresher's own lease and
   * never overlaps a deployed run).
   */
  readonly overrides: Pick<RefresherOverrides, 'ssm' | 'secretsManager' | 'store' | 'lease' | 'credentials'>;
  close(): Promise<void>;
}

/** The local run keeps its token where the stack keeps it by default, so the consumer is configured as on AWS. */
export const LOCAL_PARAMETER_NAME = DEFAULT_TOKEN_PARAMETER_NAME;

/** The refresher's secret setting when the credentials are the demo set or a file (nothing reads it). */
const LOCAL_CREDENTIALS_ID = 'local';

export async function prepareRig(plan: LocalPlan, io: CliIo, reporter: Reporter): Promise<LocalRig> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    // With --aws the simulator needs the secret's credentials, so AWS comes first; otherwise the
    // simulator is reported first, as the first thing a newcomer should see working.
    const side = plan.aws === undefined ? await localSide(plan, io) : await awsSide(plan.aws, io, reporter, closers);
    let simulator: RunningSimulator | undefined;
    let faspayBaseUrl = plan.faspayUrl;
    if (faspayBaseUrl === undefined) {
      simulator = await startSimulator({ credentials: side.credentials, tokenLifetimeSeconds: plan.tokenLifetimeSeconds, now: io.clock });
      closers.push(() => simulator?.close());
      faspayBaseUrl = new URL(simulator.url);
      reporter.step(
        'simulator',
        { url: simulator.url, tokenLifetimeSeconds: plan.tokenLifetimeSeconds },
        line('simulator', `up on ${simulator.url} (Faspay SendMe stand-in; tokens live ${formatSpan(plan.tokenLifetimeSeconds)})`),
      );
    } else {
      reporter.step(
        'faspay',
        { url: faspayBaseUrl.href },
        line('faspay', `${faspayBaseUrl.origin}${faspayBaseUrl.pathname.replace(/\/$/, '')} (no simulator)`),
      );
    }
    side.report?.(reporter);
    return { ...side, faspayBaseUrl, ...(simulator === undefined ? {} : { simulator }), close };
  } catch (error) {
    await close();
    throw error;
  }
}

type Side = Pick<LocalRig, 'credentials' | 'store' | 'parameterName' | 'credentialsSecretId' | 'overrides'> & {
  /** Reports this side's steps after the simulator's (when not already reported as they happened). */
  readonly report?: (reporter: Reporter) => void;
};

async function localSide(plan: LocalPlan, io: CliIo): Promise<Side> {
  const credentials = plan.credentialsFile === undefined ? DEMO_CREDENTIALS : await readCredentialsFile(plan.credentialsFile, io.cwd);
  const source = plan.credentialsFile === undefined ? 'demo' : 'file';
  const fingerprint = credentialsFingerprint(credentials);
  const store = createMemoryTokenStore(io.clock);
  return {
    credentials,
    store,
    parameterName: LOCAL_PARAMETER_NAME,
    credentialsSecretId: LOCAL_CREDENTIALS_ID,
    overrides: { store, lease: createMemoryRefreshLease(), credentials: staticCredentialsSource(credentials) },
    report(reporter) {
      reporter.step(
        'credentials',
        { source, ...(plan.credentialsFile === undefined ? {} : { file: plan.credentialsFile }), fingerprint },
        line(
          'credentials',
          `${source === 'demo' ? 'demo set (made-up values)' : `from ${plan.credentialsFile}`}, sha256 ${fingerprint}… (values never shown)`,
        ),
      );
      reporter.step(
        'store',
        { kind: 'memory' },
        line('store', 'in memory (stands in for Secrets Manager and SSM; nothing leaves this process)'),
      );
    },
  };
}

async function awsSide(
  aws: NonNullable<LocalPlan['aws']>,
  io: CliIo,
  reporter: Reporter,
  closers: (() => Promise<void> | void)[],
): Promise<Side> {
  const ssm = await openAwsClient(SSMClient, aws.region);
  closers.push(() => ssm.destroy());
  const secrets = await openAwsClient(SecretsManagerClient, aws.region);
  closers.push(() => secrets.destroy());
  const store = createSsmTokenStore(ssm, { parameterName: aws.parameterName });
  // One read first: an unreachable endpoint or a denied read is reported before anything is requested.
  const existing = await readTokenState(store, io.clock());
  const version = existing.kind === 'missing' ? undefined : existing.version;
  reporter.step(
    'store',
    {
      kind: 'ssm',
      parameterName: aws.parameterName,
      exists: existing.kind !== 'missing',
      ...(version === undefined ? {} : { version }),
      endpoint: io.env.AWS_ENDPOINT_URL ?? 'aws',
    },
    line(
      'store',
      `SSM parameter ${aws.parameterName} (${existing.kind === 'missing' ? 'not created yet' : `version ${version}${describeExisting(existing)}`})`,
    ) + (io.env.AWS_ENDPOINT_URL === undefined ? '' : line('', `through AWS_ENDPOINT_URL ${io.env.AWS_ENDPOINT_URL}`)),
  );
  const credentials = await createSecretsManagerCredentialsSource(borrowSecretsManager(secrets), aws.secretId).load();
  const fingerprint = credentialsFingerprint(credentials);
  reporter.step(
    'credentials',
    { source: 'secret', secretId: aws.secretId, fingerprint },
    line('credentials', `from secret ${aws.secretId}, sha256 ${fingerprint}… (values never shown)`),
  );
  return {
    credentials,
    store,
    parameterName: aws.parameterName,
    credentialsSecretId: aws.secretId,
    overrides: { ssm, secretsManager: secrets },
  };
}

function describeExisting(state: StoredTokenState): string {
  return state.kind === 'valid' ? `, expires ${isoSeconds(state.document.expiresAt)}` : ', not a valid token document';
}
