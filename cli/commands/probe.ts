import { REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import {
  FASPAY_SANDBOX_BASE_URL,
  FaspayError,
  parseFaspayBaseUrl,
  parseSignedPath,
  SIGNED_PATH_VARIANTS,
} from '../../functions/faspay/index.js';
import { asUsage } from '../args.js';
import { defineCommand } from '../command.js';
import { readCredentialsFile } from '../credentials-file.js';
import { UsageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { credentialsFingerprint, line } from '../format.js';
import { createReporter } from '../local/reporter.js';
import { attemptText, clockPhrase, clockText, deploySetting, deployText, planText, serviceCallText } from '../probe/probe-report.js';
import { type ProbeResult, probeFaspay } from '../probe/probe-run.js';

const HELP = `Usage: probe --credentials FILE [--faspay-url URL] [options]

First contact with a real Faspay SendMe (the sandbox unless --faspay-url says otherwise): settles
what its documentation leaves open. It requests a token signed with each signed-path variant in
turn (the documented ${SIGNED_PATH_VARIANTS[0]}, then the next-service paths Faspay's SDKs sign),
stops at the first Faspay accepts, makes one read-only signed call with that token (balance
inquiry), and prints which variant was accepted, the setting to deploy (signedPath), the
difference between this machine's clock and Faspay's Date header, and each answer's HTTP status and
response code. Before the first request it says how many tokens it may request. Never prints a
token, a signature or a credential: only fingerprints.

A new token may revoke the one the deployed refresher stored (Faspay does not document whether it
does); its consumers then report the refusal and the refresher replaces the token.

Options:
  --credentials FILE  the credential set as JSON, the secret's format (faspay_key, faspay_secret,
                      app_key, app_secret, client_key, client_secret, iv)
  --faspay-url URL    the Faspay to probe (default ${FASPAY_SANDBOX_BASE_URL}); in production
                      the URL from your merchant dashboard
  --signed-path PATH  try only this signed path (repeat for more, tried in the order given)
                      instead of all ${SIGNED_PATH_VARIANTS.length} variants
  --json              one JSON object per line: "plan", one "token-request" per variant tried,
                      "service-call", "result" (or the error)
  -h, --help          this help

Exit codes: 0 a variant was accepted and the signed call was not refused, 2 usage, 3 the
credentials file, 4 Faspay refused every variant, failed, or refused the signed call.

Examples:
  npm run cli -- probe --credentials ~/faspay-sandbox.json
  npm run cli -- probe --faspay-url https://sendme.faspay.co.id --credentials prod-creds.json --signed-path /account/api/transfer
`;

const OPTIONS = {
  credentials: { type: 'string' },
  'faspay-url': { type: 'string', default: FASPAY_SANDBOX_BASE_URL },
  'signed-path': { type: 'string', multiple: true, default: [] as string[] },
} as const;

export const probeCommand = defineCommand('probe', OPTIONS, HELP, async (args, io) => {
  if (args.credentials === undefined) throw new UsageError('probe needs --credentials FILE: the credential set to try (see: probe --help)');
  const baseUrl = asUsage(() => parseFaspayBaseUrl(args['faspay-url'], '--faspay-url'));
  const chosen = args['signed-path'].map((path) => asUsage(() => parseSignedPath(path, '--signed-path')));
  const variants = chosen.length > 0 ? [...new Set(chosen)] : SIGNED_PATH_VARIANTS;
  const credentials = await readCredentialsFile(args.credentials, io.cwd);

  const reporter = createReporter(io, args.json);
  const fingerprint = credentialsFingerprint(credentials);
  reporter.step(
    'plan',
    {
      faspayUrl: baseUrl.href,
      credentialsFingerprint: fingerprint,
      variants,
      maxTokenRequests: variants.length,
      mayRevokeDeployedToken: true,
    },
    line('faspay', baseUrl.href) + line('credentials', `sha256 ${fingerprint}… (values never shown)`) + planText(variants),
  );
  const result = await probeFaspay({
    baseUrl,
    credentials,
    variants,
    timeZone: REFRESHER_SETTINGS.timeZone.default,
    timeoutMs: REFRESHER_SETTINGS.httpTimeoutMs.default,
    clock: io.clock,
    onTokenAttempt: (attempt, index) =>
      reporter.step('token-request', { attempt: index + 1, ...attempt }, attemptText(attempt, index, variants.length)),
  });
  if (result.serviceCall !== undefined) reporter.step('service-call', { ...result.serviceCall }, serviceCallText(result.serviceCall));
  const clock = { clockOffsetSeconds: result.clockOffsetSeconds ?? null };
  if (result.acceptedPath === undefined || result.serviceCall?.accepted !== true) {
    reporter.step('clock', clock, clockText(result.clockOffsetSeconds));
    throw probeFailure(result, variants.length === SIGNED_PATH_VARIANTS.length);
  }
  reporter.step(
    'result',
    {
      ok: true,
      acceptedSignedPath: result.acceptedPath,
      deploy: deploySetting(result.acceptedPath),
      ...clock,
      tokenRequests: result.attempts.length,
    },
    clockText(result.clockOffsetSeconds) + deployText(result.acceptedPath),
  );
  return EXIT_CODES.ok;
});

/** The error the probe ends with when Faspay accepted nothing usable; main prints it with its hint. */
function probeFailure(result: ProbeResult, triedAll: boolean): FaspayError {
  const last = result.serviceCall ?? result.attempts.at(-1);
  const options = {
    ...(last?.httpStatus === undefined ? {} : { httpStatus: last.httpStatus }),
    ...(last?.responseCode === undefined ? {} : { responseCode: last.responseCode }),
    ...(last?.responseDesc === undefined ? {} : { responseDesc: last.responseDesc }),
  };
  const clock = `this machine is ${clockPhrase(result.clockOffsetSeconds)}`;
  if (result.serviceCall !== undefined) {
    return new FaspayError(
      result.serviceCall.errorCode ?? 'FASPAY_HTTP_ERROR',
      `Faspay issued a token for the signed path ${result.acceptedPath} but refused the signed balance inquiry with it (${result.serviceCall.message}); ${clock}`,
      options,
    );
  }
  const failed = result.attempts.find((attempt) => attempt.verdict === 'failed');
  if (failed !== undefined) {
    return new FaspayError(
      failed.errorCode ?? 'FASPAY_HTTP_ERROR',
      `the probe stopped: ${failed.message} (signed path ${failed.signedPath})`,
      options,
    );
  }
  const tried = result.attempts.length;
  const verdict = triedAll
    ? `the credentials, this machine's address (not whitelisted) or its clock are wrong, not the signed path (${clock})`
    : `try the other variants (drop --signed-path); otherwise check the credentials, this machine's address (whitelisted?) and its clock (${clock})`;
  return new FaspayError(
    'FASPAY_UNAUTHORIZED',
    `Faspay refused ${tried === 1 ? 'the' : `all ${tried}`} signed-path variant${tried === 1 ? '' : 's'} tried: ${verdict}`,
    options,
  );
}
