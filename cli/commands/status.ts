import { SSMClient } from '@aws-sdk/client-ssm';
import { createSsmTokenStore } from '../../functions/adapters/parameter-store.js';
import { DEFAULT_TOKEN_PARAMETER_NAME as DEFAULT_PARAMETER_NAME, REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { isCodedError } from '../../functions/shared/coded-error.js';
import { checkParameterName } from '../../functions/shared/validators.js';
import type { StoredRecord } from '../../functions/token/index.js';
import { parseDurationWithin } from '../args.js';
import { AWS_OPTIONS, awsFailure, DEFAULT_STACK_NAME, readStackOutput, withAwsClient } from '../aws.js';
import { defineCommand, writeJson } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT_CODES, exitCodeFor } from '../exit-codes.js';
import { formatSpan, isoSeconds, line, relative, tokenFacts } from '../format.js';
import type { CliIo } from '../io.js';
import { assessToken, parameterTypeWarning, type TokenAssessment } from '../token-health.js';

const HELP = `Usage: status [options]

Reads the stored token parameter (GetParameter, with decryption) and tells whether it is healthy,
without showing the token: its fingerprint (first 12 hex of SHA-256), length and times.

Options:
  --parameter-name NAME  the token parameter (default: the stack's TokenParameterName output with
                         --stack, else $${REFRESHER_SETTINGS.tokenParameterName.env}, else ${DEFAULT_PARAMETER_NAME})
  --stack NAME           read the parameter name from this stack's outputs (the project's stack is
                         ${DEFAULT_STACK_NAME})
  --region REGION        AWS region (default: the SDK's, e.g. $AWS_REGION)
  --tolerance DURATION   how far past its refresh time the token may be before it counts as stale
                         (default 15m, at most 24h; e.g. 30m, 1h, 900)
  --json                 one JSON object on stdout
  -h, --help             this help

Exit codes: 0 healthy (or due within the tolerance), 6 stale, 7 expired, 8 missing, 9 invalid,
3 configuration (no credentials/region, unknown stack), 5 AWS call failed.

Example:
  npm run status -- --tolerance 30m
`;

const OPTIONS = {
  'parameter-name': { type: 'string' },
  tolerance: { type: 'string', default: '15m' },
  ...AWS_OPTIONS,
} as const;

export const statusCommand = defineCommand('status', OPTIONS, HELP, async (args, io) => {
  // Up to a day: a token is at most 48 h old, so a longer tolerance could never report STALE.
  const toleranceSeconds = parseDurationWithin('--tolerance', args.tolerance, 0, 86_400);
  return withAwsClient(SSMClient, args.region, async (ssm) => {
    const target = await resolveParameterName(args, io);
    const stored = await readStored(ssm, target.name, io);
    const now = io.clock();
    const assessment = assessToken(stored?.value, now, toleranceSeconds, target.name);
    const exitCode = assessment.error === undefined ? EXIT_CODES.ok : exitCodeFor(assessment.error);
    if (args.json) writeJson(io, statusJson(target, stored, assessment, now, toleranceSeconds, exitCode));
    else io.stdout.write(statusText(target, stored, assessment, now, toleranceSeconds));
    return exitCode;
  });
});

type NameSource = 'flag' | 'stack' | 'env' | 'default';

async function resolveParameterName(
  args: { 'parameter-name'?: string; stack?: string; region?: string },
  io: CliIo,
): Promise<{ name: string; source: NameSource }> {
  const checked = (name: string, source: NameSource) => {
    try {
      return { name: checkParameterName(source === 'flag' ? '--parameter-name' : 'the parameter name', name), source };
    } catch (error) {
      if (source === 'flag' && isCodedError(error)) throw new UsageError(error.message);
      throw error;
    }
  };
  if (args['parameter-name'] !== undefined) return checked(args['parameter-name'], 'flag');
  if (args.stack !== undefined) {
    const request = { stackName: args.stack, outputKey: 'TokenParameterName', alternative: '--parameter-name NAME', region: args.region };
    return checked(await readStackOutput(request, io.env), 'stack');
  }
  const fromEnv = io.env[REFRESHER_SETTINGS.tokenParameterName.env]?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return checked(fromEnv, 'env');
  return checked(DEFAULT_PARAMETER_NAME, 'default');
}

/** The parameter with its metadata, read as the refresher reads it (the token store's SSM adapter), or undefined. */
async function readStored(ssm: SSMClient, name: string, io: CliIo): Promise<StoredRecord | undefined> {
  try {
    return await createSsmTokenStore(ssm, { parameterName: name }).read();
  } catch (error) {
    throw awsFailure(`cannot read the token parameter "${name}"`, error, io.env);
  }
}

function statusJson(
  target: { name: string; source: NameSource },
  stored: StoredRecord | undefined,
  assessment: TokenAssessment,
  now: Date,
  toleranceSeconds: number,
  exitCode: number,
) {
  const document = 'document' in assessment ? assessment.document : undefined;
  return {
    ok: assessment.error === undefined,
    health: assessment.health,
    checkedAt: isoSeconds(now),
    toleranceSeconds,
    parameter: {
      name: target.name,
      nameSource: target.source,
      exists: stored !== undefined,
      ...(stored?.storageType === undefined ? {} : { type: stored.storageType }),
      ...(stored === undefined ? {} : { version: stored.version }),
      ...(stored?.lastModified === undefined ? {} : { lastModified: isoSeconds(stored.lastModified) }),
    },
    ...(document === undefined || !('remainingSeconds' in assessment)
      ? {}
      : {
          token: {
            ...tokenFacts(document.accessToken),
            issuedAt: isoSeconds(document.issuedAt),
            refreshAt: isoSeconds(document.refreshAt),
            expiresAt: isoSeconds(document.expiresAt),
            remainingSeconds: assessment.remainingSeconds,
            overdueSeconds: assessment.overdueSeconds,
          },
        }),
    ...(assessment.error === undefined ? {} : { error: { code: assessment.error.code, message: assessment.error.message } }),
    ...warningsOf(stored, target.name),
    exitCode,
  };
}

/** Present only when there is something to warn about, so a healthy answer keeps its documented shape. */
function warningsOf(stored: StoredRecord | undefined, parameterName: string): { warnings?: string[] } {
  const warning = parameterTypeWarning(stored?.storageType, parameterName);
  return warning === undefined ? {} : { warnings: [warning] };
}

const VERDICT: Record<TokenAssessment['health'], string> = {
  healthy: 'HEALTHY',
  due: 'HEALTHY (refresh due: the next scheduled run replaces it)',
  stale: 'STALE',
  expired: 'EXPIRED',
  missing: 'MISSING',
  invalid: 'INVALID',
};

function statusText(
  target: { name: string; source: NameSource },
  stored: StoredRecord | undefined,
  assessment: TokenAssessment,
  now: Date,
  toleranceSeconds: number,
): string {
  const out: string[] = [];
  out.push(line('parameter', `${target.name}${target.source === 'default' ? ' (default name)' : ''}`));
  if (stored !== undefined) {
    const modified =
      stored.lastModified === undefined ? '' : `, modified ${isoSeconds(stored.lastModified)} (${relative(stored.lastModified, now)})`;
    const type = stored.storageType === undefined ? '' : `, ${stored.storageType}`;
    out.push(line('', `version ${stored.version}${modified}${type}`));
  }
  if ('document' in assessment) {
    const { document } = assessment;
    const facts = tokenFacts(document.accessToken);
    out.push(line('token', `sha256 ${facts.fingerprint}… (${facts.length} chars)`));
    out.push(line('issued', `${isoSeconds(document.issuedAt)} (${relative(document.issuedAt, now)})`));
    out.push(line('refresh at', `${isoSeconds(document.refreshAt)} (${relative(document.refreshAt, now)})`));
    out.push(line('expires', `${isoSeconds(document.expiresAt)} (${relative(document.expiresAt, now)})`));
    out.push(line('remaining', formatSpan(assessment.remainingSeconds)));
  }
  out.push(
    line(
      'status',
      `${VERDICT[assessment.health]}${assessment.health === 'due' || assessment.health === 'stale' ? `, tolerance ${formatSpan(toleranceSeconds)}` : ''}`,
    ),
  );
  if (assessment.error !== undefined) out.push(line('', assessment.error.message));
  const warning = parameterTypeWarning(stored?.storageType, target.name);
  if (warning !== undefined) out.push(line('warning', warning));
  return out.join('');
}
