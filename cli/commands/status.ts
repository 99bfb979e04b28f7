import { SSMClient } from '@aws-sdk/client-ssm';
import { createSsmTokenStore } from '../../functions/adapters/parameter-store.js';
import { DEFAULT_TOKEN_PARAMETER_NAME as DEFAULT_PARAMETER_NAME, REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { isCodedError } from '../../functions/shared/coded-error.js';
import { checkParameterName } from '../../functions/shared/validators.js';
import type { StoredRecord } from '../../functions/token/index.js';
import { parseDurationWithin } from '../args.js';
import { AWS_OPTIONS, awsFailure, DEFAULT_STACK_NAME, withAwsClient } from '../aws.js';
import { defineCommand, writeJson } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT_CODES, exitCodeFor } from '../exit-codes.js';
import { formatSpan, isoSeconds, line, relative, tokenFacts } from '../format.js';
import { hintFor } from '../hints.js';
import type { CliIo } from '../io.js';
import { commandLine, type Program } from '../program.js';
import { describeFound, type FoundRefresher, findRefresher, refuseRefresherWith } from '../refresher-lookup.js';
import { assessToken, parameterTypeWarning, type TokenAssessment } from '../token-health.js';

const help = (program: Program) => `Usage: ${commandLine(program, 'status', '[options]')}

Reads the stored token parameter (GetParameter, with decryption) and tells whether it is healthy,
without showing the token: its fingerprint (first 12 hex of SHA-256), length and times.

Options:
  --parameter-name NAME  the token parameter (default: the refresher's with --stack or --refresher,
                         else $${REFRESHER_SETTINGS.tokenParameterName.env}, else ${DEFAULT_PARAMETER_NAME})
  --stack NAME           the stack holding the refresher (default ${DEFAULT_STACK_NAME} with --refresher)
  --refresher ID         which refresher of the stack, when it holds several: its construct id,
                         path or token parameter name
  --region REGION        AWS region (default: the SDK's, e.g. $AWS_REGION)
  --tolerance DURATION   how far past its refresh time the token may be before it counts as stale
                         (default 15m, at most 24h; e.g. 30m, 1h, 900)
  --json                 one JSON object on stdout
  -h, --help             this help

Exit codes: 0 healthy (or due within the tolerance), 6 stale, 7 expired, 8 missing, 9 invalid,
3 configuration (no credentials/region, unknown stack or refresher), 2 usage (several refreshers
and no --refresher), 5 AWS call failed.

Examples:
  ${commandLine(program, 'status', '--tolerance 30m')}
  ${commandLine(program, 'status', '--stack Payments --refresher ProductionToken --json')}
`;

const OPTIONS = {
  'parameter-name': { type: 'string' },
  tolerance: { type: 'string', default: '15m' },
  ...AWS_OPTIONS,
} as const;

export const statusCommand = defineCommand('status', OPTIONS, help, async (args, io, program) => {
  // Up to a day: a token is at most 48 h old, so a longer tolerance could never report STALE.
  const toleranceSeconds = parseDurationWithin('--tolerance', args.tolerance, 0, 86_400);
  return withAwsClient(SSMClient, args.region, async (ssm) => {
    const target = await resolveParameterName(args, io);
    const stored = await readStored(ssm, target.name, io);
    const now = io.clock();
    const assessment = assessToken(stored?.value, now, toleranceSeconds, target.name);
    const exitCode = assessment.error === undefined ? EXIT_CODES.ok : exitCodeFor(assessment.error);
    const hint = assessment.error === undefined ? undefined : hintFor(assessment.error, program);
    if (args.json) writeJson(io, statusJson(target, stored, assessment, { now, toleranceSeconds, exitCode, hint }));
    else io.stdout.write(statusText(target, stored, assessment, { now, toleranceSeconds, hint }));
    return exitCode;
  });
});

type NameSource = 'flag' | 'stack' | 'env' | 'default';

interface ParameterTarget {
  readonly name: string;
  readonly source: NameSource;
  /** Where the stack's refresher was found, for a name that came from a stack. */
  readonly found?: FoundRefresher;
}

async function resolveParameterName(
  args: { 'parameter-name'?: string; stack?: string; refresher?: string; region?: string },
  io: CliIo,
): Promise<ParameterTarget> {
  const checked = (name: string, source: NameSource) => {
    try {
      return { name: checkParameterName(source === 'flag' ? '--parameter-name' : 'the parameter name', name), source };
    } catch (error) {
      if (source === 'flag' && isCodedError(error)) throw new UsageError(error.message);
      throw error;
    }
  };
  refuseRefresherWith('--parameter-name', args, args['parameter-name']);
  if (args['parameter-name'] !== undefined) return checked(args['parameter-name'], 'flag');
  if (args.stack !== undefined || args.refresher !== undefined) {
    const found = await findRefresher({ ...args, alternative: '--parameter-name NAME' }, io.env);
    return { ...checked(found.record.tokenParameterName, 'stack'), found };
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

interface Verdict {
  readonly now: Date;
  readonly toleranceSeconds: number;
  /** The next step when the token is unhealthy. */
  readonly hint: string | undefined;
}

function statusJson(
  target: ParameterTarget,
  stored: StoredRecord | undefined,
  assessment: TokenAssessment,
  { now, toleranceSeconds, hint, exitCode }: Verdict & { readonly exitCode: number },
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
      ...(target.found === undefined ? {} : { stack: target.found.stackName, refresher: target.found.record.constructPath }),
      ...(target.found === undefined || target.found.egressAddresses.length === 0 ? {} : { egressAddresses: target.found.egressAddresses }),
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
    ...(assessment.error === undefined
      ? {}
      : { error: { code: assessment.error.code, message: assessment.error.message, ...(hint === undefined ? {} : { hint }) } }),
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

function statusText(target: ParameterTarget, stored: StoredRecord | undefined, assessment: TokenAssessment, verdict: Verdict): string {
  const { now, toleranceSeconds } = verdict;
  const out: string[] = [];
  const from = target.source === 'default' ? ' (default name)' : target.found === undefined ? '' : ` (${describeFound(target.found)})`;
  out.push(line('parameter', `${target.name}${from}`));
  if (target.found !== undefined && target.found.egressAddresses.length > 0) {
    out.push(line('egress', `${target.found.egressAddresses.join(', ')} (the addresses Faspay must whitelist)`));
  }
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
  if (verdict.hint !== undefined) out.push(line('next', verdict.hint));
  const warning = parameterTypeWarning(stored?.storageType, target.name);
  if (warning !== undefined) out.push(line('warning', warning));
  return out.join('');
}
