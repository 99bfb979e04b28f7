import { DEFAULT_TOKEN_PARAMETER_NAME, REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { parseFaspayBaseUrl } from '../../functions/faspay/index.js';
import { isCodedError } from '../../functions/shared/coded-error.js';
import type { TokenDocument } from '../../functions/token/index.js';
import { flagOrEnv, parseDurationWithin, parseTokenLifetime, TOKEN_LIFETIME_RANGE_TEXT } from '../args.js';
import { type CommandArgs, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { line, tokenFacts } from '../format.js';
import type { CliIo } from '../io.js';
import { checkConsumer, createLocalConsumer } from '../local/consumer-check.js';
import { type CycleOutcome, createLocalRefresher } from '../local/cycle.js';
import { demonstrateRejection } from '../local/rejection-demo.js';
import { createReporter, type Reporter } from '../local/reporter.js';
import { type LocalPlan, prepareRig } from '../local/rig.js';
import { reportCheckFailure, type WatchParts, watchSchedule } from '../local/watch.js';
import { commandLine, type Program } from '../program.js';

const help = (program: Program) => `Usage: ${commandLine(program, 'local', '[options]')}

One full refresh cycle on this machine, each step printed as it happens: the Faspay SendMe
simulator on 127.0.0.1, demo credentials and an in-memory store in place of Secrets Manager and
SSM (no AWS account, no network), the refresher's use case, then a consumer reading the token and
making a signed service call (balance inquiry). Tokens and credentials are never printed: only
SHA-256 fingerprints (first 12 hex), lengths and times.

Options:
  --force                 refresh even when the stored token is fresh
  --watch                 keep running the schedule: a check every few seconds with a countdown;
                          the simulator's tokens then live 60s and are refreshed 20s before expiry.
                          Ctrl-C stops (exit 0${program.kind === 'clone' ? '; started through npm, npm itself exits 130' : ''})
  --faspay-url URL        talk to this Faspay instead of starting the simulator, e.g.
                          https://sendme-sandbox.faspay.co.id (needs --credentials or --aws)
  --credentials FILE      the Faspay credentials as JSON (the secret's keys: faspay_key,
                          faspay_secret, app_key, app_secret, client_key, client_secret, iv)
  --aws                   use the real Secrets Manager and SSM (default credential chain, or an
                          emulator through AWS_ENDPOINT_URL); writes the parameter
  --secret-id ID          with --aws: the credentials secret (default $${REFRESHER_SETTINGS.credentialsSecretId.env})
  --parameter-name NAME   with --aws: the token parameter (default $${REFRESHER_SETTINGS.tokenParameterName.env})
  --region REGION         with --aws: AWS region (default: the SDK's, e.g. $AWS_REGION)
  --token-lifetime D      simulator only: expired_in of its tokens, ${TOKEN_LIFETIME_RANGE_TEXT}
                          (default 10h; 60s with --watch)
  --refresh-before D      refresh this long before expiry, at most 24h (default 2h; 20s with --watch)
  --check-every D         with --watch: time between checks, 1s to 24h (default 5s; 60s with --aws)
  --demo-rejection        then show a rejected token heal: another system requests its own token
                          from the simulator (revoking the stored one), a consumer reports the
                          refusal once, the refresher replaces the token (rejection cooldown 0 s
                          here; deployed default 60 s), and the consumers are served again
  --json                  one JSON object per step and line ({"event": ...})
  -h, --help              this help

Durations: 90, 90s, 15m, 1h30m.

Examples:
  ${commandLine(program, 'local')}
  ${commandLine(program, 'local', '--watch')}
  ${commandLine(program, 'local', '--faspay-url https://sendme-sandbox.faspay.co.id --credentials ./faspay-sandbox.json')}
  AWS_ENDPOINT_URL=http://localhost:5000 ${commandLine(program, 'local', '--aws --secret-id faspay/sendme/credentials')} \\
    --parameter-name ${DEFAULT_TOKEN_PARAMETER_NAME}
`;

const OPTIONS = {
  force: { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
  'faspay-url': { type: 'string' },
  credentials: { type: 'string' },
  aws: { type: 'boolean', default: false },
  'secret-id': { type: 'string' },
  'parameter-name': { type: 'string' },
  region: { type: 'string' },
  'token-lifetime': { type: 'string' },
  'refresh-before': { type: 'string' },
  'check-every': { type: 'string' },
  'demo-rejection': { type: 'boolean', default: false },
} as const;

type LocalArgs = CommandArgs<typeof OPTIONS>;

export const localCommand = defineCommand('local', OPTIONS, help, async (args, io) => {
  const plan = planOf(args, io);
  const refreshBeforeSeconds = durationOr(
    args['refresh-before'],
    '--refresh-before',
    args.watch ? 20 : REFRESHER_SETTINGS.refreshBeforeExpirySeconds.default,
    RANGES.refreshBefore,
  );
  const checkEverySeconds = durationOr(args['check-every'], '--check-every', args.aws ? 60 : 5, RANGES.checkEvery);

  const reporter = createReporter(io, args.json);
  const startedMs = Date.now();
  // Taken before anything starts, so that Ctrl-C while the simulator starts or the first cycle runs
  // also ends the watch cleanly (the watch then stops before its first wait).
  const stop = args.watch ? io.stopSignal() : undefined;
  reporter.note(`Faspay SendMe token refresher: local run${args.watch ? ' (watching)' : ''}`);
  const rig = await prepareRig(plan, io, reporter);
  try {
    const refresher = createLocalRefresher(rig, io, reporter, {
      settings: {
        refreshBeforeExpirySeconds: refreshBeforeSeconds,
        // The demo reports a token stored a second ago; the cooldown would (rightly) ignore that.
        ...(args['demo-rejection'] ? { rejectionCooldownSeconds: 0 } : {}),
      },
      liveSkips: args.watch,
    });
    const parts = { refresher, consumer: createLocalConsumer(rig, io), realFaspay: rig.simulator === undefined };
    if (stop === undefined) {
      const outcome = await firstCycle(parts, args.force, plan, io, reporter);
      if (args['demo-rejection']) await demonstrateRejection(rig, refresher, io, reporter);
      const durationMs = Date.now() - startedMs;
      reporter.step('done', { ok: true, summary: outcome.summary, durationMs }, `ok: refresh cycle complete in ${durationMs} ms\n`);
      return EXIT_CODES.ok;
    }
    let current: TokenDocument | undefined;
    try {
      current = (await firstCycle(parts, args.force, plan, io, reporter)).stored;
    } catch (error) {
      reportCheckFailure(reporter, error);
    }
    const stats = await watchSchedule(parts, io, reporter, { checkEverySeconds, stop, ...(current === undefined ? {} : { current }) });
    reporter.step('stopped', { ...stats }, `stopped: ${stats.checks} checks, ${stats.refreshes} refreshes, ${stats.failures} failures\n`);
    return EXIT_CODES.ok;
  } finally {
    await rig.close();
  }
});

/** The refresh cycle, then the consumer's read and signed call. */
async function firstCycle(parts: WatchParts, force: boolean, plan: LocalPlan, io: CliIo, reporter: Reporter): Promise<CycleOutcome> {
  const outcome = await parts.refresher.runCycle(force);
  // With --aws and the simulator, a token stored by an earlier run was issued by another simulator
  // process, so a service call with it could only be refused: say so instead.
  if (!outcome.summary.refreshed && !parts.realFaspay && plan.aws !== undefined) {
    reporter.step(
      'service-call-skipped',
      { reason: 'the stored token came from an earlier simulator run' },
      line('service call', 'skipped: the stored token came from an earlier simulator run (add --force to exercise it)'),
    );
    return outcome;
  }
  await checkConsumer(parts.consumer, io, reporter, {
    ...(outcome.stored === undefined ? {} : { storedFingerprint: tokenFacts(outcome.stored.accessToken).fingerprint }),
    realFaspay: parts.realFaspay,
  });
  return outcome;
}

/** Accepted ranges, in seconds, checked while parsing (exit 2) rather than failing the run later. */
const RANGES = {
  refreshBefore: [0, 86_400],
  checkEvery: [1, 86_400],
} as const satisfies Record<string, readonly [number, number]>;

function durationOr(text: string | undefined, flag: string, fallback: number, [min, max]: readonly [number, number]): number {
  return text === undefined ? fallback : parseDurationWithin(flag, text, min, max);
}

/** Turns the flags into a plan, refusing the combinations that cannot work, with the fix. */
function planOf(args: LocalArgs, io: CliIo): LocalPlan {
  const faspayUrl = args['faspay-url'] === undefined ? undefined : parseFaspayUrlFlag(args['faspay-url']);
  if (!args.aws) {
    for (const flag of ['secret-id', 'parameter-name', 'region'] as const) {
      if (args[flag] !== undefined) throw new UsageError(`--${flag} works only with --aws`);
    }
  }
  if (args.aws && args.credentials !== undefined) {
    throw new UsageError('--credentials and --aws are exclusive: with --aws the credentials come from the secret (--secret-id)');
  }
  if (faspayUrl !== undefined && args['token-lifetime'] !== undefined) {
    throw new UsageError("--token-lifetime sets the simulator's tokens: it cannot be used with --faspay-url (Faspay decides the lifetime)");
  }
  if (faspayUrl !== undefined && !args.aws && args.credentials === undefined) {
    throw new UsageError('--faspay-url needs --credentials FILE (or --aws): the demo credentials work only with the simulator');
  }
  if (!args.watch && args['check-every'] !== undefined) throw new UsageError('--check-every works only with --watch');
  if (args['demo-rejection'] && (args.watch || args.aws || faspayUrl !== undefined)) {
    throw new UsageError('--demo-rejection runs once against the simulator and the in-memory store: drop --watch, --aws and --faspay-url');
  }
  const tokenLifetimeSeconds =
    args['token-lifetime'] === undefined ? (args.watch ? 60 : 36_000) : parseTokenLifetime(args['token-lifetime']);

  let aws: LocalPlan['aws'];
  if (args.aws) {
    const secretId = flagOrEnv(args['secret-id'], io.env, REFRESHER_SETTINGS.credentialsSecretId.env);
    const parameterName = flagOrEnv(args['parameter-name'], io.env, REFRESHER_SETTINGS.tokenParameterName.env);
    const missing = [
      secretId === undefined ? `--secret-id ID (or ${REFRESHER_SETTINGS.credentialsSecretId.env})` : '',
      parameterName === undefined ? `--parameter-name NAME (or ${REFRESHER_SETTINGS.tokenParameterName.env})` : '',
    ].filter((text) => text !== '');
    if (missing.length > 0) throw new UsageError(`--aws needs ${missing.join(' and ')}`);
    if (faspayUrl === undefined && flagOrEnv(undefined, io.env, 'AWS_ENDPOINT_URL') === undefined) {
      throw new UsageError(
        '--aws without --faspay-url would store a simulator token in a real SSM parameter, where consumers cannot use it: ' +
          'add --faspay-url https://sendme-sandbox.faspay.co.id, or point AWS_ENDPOINT_URL at an emulator',
      );
    }
    aws = { secretId: secretId!, parameterName: parameterName!, ...(args.region === undefined ? {} : { region: args.region }) };
  }
  return {
    ...(faspayUrl === undefined ? {} : { faspayUrl }),
    ...(args.credentials === undefined ? {} : { credentialsFile: args.credentials }),
    ...(aws === undefined ? {} : { aws }),
    tokenLifetimeSeconds,
  };
}

function parseFaspayUrlFlag(text: string): URL {
  try {
    return parseFaspayBaseUrl(text, '--faspay-url');
  } catch (error) {
    throw new UsageError(isCodedError(error) ? error.message : `--faspay-url is not a URL: "${text}"`);
  }
}
