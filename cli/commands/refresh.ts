import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName } from '../../functions/adapters/errors.js';
import type { RefreshSummary } from '../../functions/refresher/refresh.js';
import { AWS_OPTIONS, awsFailure, DEFAULT_STACK_NAME, readStackOutput, withAwsClient } from '../aws.js';
import { defineCommand, writeJson } from '../command.js';
import { AwsCallError, CliSetupError, RefresherFunctionError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { line, relative } from '../format.js';
import type { CliIo } from '../io.js';

const HELP = `Usage: refresh [options]

Invokes the deployed refresher function once (Lambda Invoke, RequestResponse) and prints its
summary. Without --force the function refreshes only when the token is due, as the schedule does.

Options:
  --force            refresh now even if the stored token is fresh (after rotating credentials,
                     or when consumers report Unauthorized)
  --function NAME    the function name or ARN (default: the stack's FunctionName output)
  --stack NAME       the stack to read the function name from (default ${DEFAULT_STACK_NAME})
  --region REGION    AWS region (default: the SDK's, e.g. $AWS_REGION)
  --json             one JSON object on stdout
  -h, --help         this help

Exit codes: 0 done, 10 a --force that stored no token of its own (it waited for another run),
4 Faspay refused or failed, 3 configuration (credentials secret, settings, unknown stack/function,
no AWS credentials), 5 AWS or the function itself failed.

Examples:
  npm run refresh -- --force
  npm run refresh -- --function my-refresher --region ap-southeast-3 --json
`;

const OPTIONS = {
  force: { type: 'boolean', default: false },
  function: { type: 'string' },
  ...AWS_OPTIONS,
} as const;

export const refreshCommand = defineCommand('refresh', OPTIONS, HELP, async (args, io) => {
  return withAwsClient(LambdaClient, args.region, async (lambda) => {
    const target = await resolveFunction(args, io);
    if (!args.json)
      io.stdout.write(
        line('function', `${target.name}${target.stack === undefined ? '' : ` (output FunctionName of stack ${target.stack})`}`),
      );
    const summary = await invokeRefresher(lambda, target.name, args.force, io);
    const joined = args.force && storedNoTokenOfItsOwn(summary);
    if (args.json) writeJson(io, { ok: true, functionName: target.name, force: args.force, summary });
    else io.stdout.write(summaryText(summary, args.force, io.clock()) + (joined ? line('note', JOINED_NOTE) : ''));
    return joined ? EXIT_CODES.forceJoined : EXIT_CODES.ok;
  });
});

async function resolveFunction(args: { function?: string; stack?: string; region?: string }, io: CliIo) {
  if (args.function !== undefined) return { name: args.function, stack: undefined };
  const stackName = args.stack ?? DEFAULT_STACK_NAME;
  const request = { stackName, outputKey: 'FunctionName', alternative: '--function NAME', region: args.region };
  return { name: await readStackOutput(request, io.env), stack: stackName };
}

/** Invokes the function synchronously; its summary, or the error it failed with. */
export async function invokeRefresher(lambda: LambdaClient, functionName: string, force: boolean, io: CliIo): Promise<RefreshSummary> {
  let answer: InvokeCommandOutput;
  try {
    answer = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify({ force })) }),
    );
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'ResourceNotFoundException') {
      throw new CliSetupError(
        'FUNCTION_NOT_FOUND',
        `no function "${functionName}" in this account and region: check --function, --stack and --region`,
      );
    }
    if (name === 'TooManyRequestsException') {
      throw new AwsCallError(
        `the function "${functionName}" is busy (probably a scheduled run with reserved concurrency 1): try again in a minute`,
        name,
      );
    }
    throw awsFailure(`cannot invoke "${functionName}"`, error, io.env);
  }
  const payload = parsePayload(answer.Payload);
  if (answer.FunctionError !== undefined) {
    const { errorType, errorMessage } = errorOf(payload, answer.FunctionError);
    throw new RefresherFunctionError(functionName, errorType, errorMessage);
  }
  if (!isSummary(payload)) {
    throw new AwsCallError(
      `the function "${functionName}" answered something that is not a refresh summary: is it the refresher?`,
      'UnexpectedPayload',
    );
  }
  return payload;
}

/** The answer's JSON, or its text when it is not JSON (moto, for one, answers with plain text). */
function parsePayload(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined || bytes.byteLength === 0) return undefined;
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Longest error text shown from an answer: enough for the cause, short enough for one line. */
const MAX_SHOWN_ERROR_CHARS = 300;

/**
 * Lambda's error payload: `{"errorType": "...", "errorMessage": "...", "trace": [...]}` (trace not
 * shown), or plain text from an emulator. Shown as one line, control characters removed.
 */
function errorOf(payload: unknown, functionError: string): { errorType: string; errorMessage: string } {
  if (typeof payload === 'string') return { errorType: functionError, errorMessage: oneLine(payload) };
  const record = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const errorType = typeof record.errorType === 'string' ? oneLine(record.errorType) : functionError;
  const errorMessage =
    typeof record.errorMessage === 'string'
      ? oneLine(record.errorMessage)
      : "the answer carries no error message (read the function's logs)";
  return { errorType, errorMessage };
}

function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed here.
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > MAX_SHOWN_ERROR_CHARS ? `${flat.slice(0, MAX_SHOWN_ERROR_CHARS)}…` : flat || 'an empty error message';
}

function isSummary(value: unknown): value is RefreshSummary {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.refreshed === 'boolean' && typeof record.reason === 'string';
}

const JOINED_NOTE =
  'this force stored no token of its own: it waited for another run. If you forced after changing the credentials, ' +
  'run status and force again if the token was issued before your change';

/**
 * A forced run that only waited for another run. `joinedAnotherRun` says so; a function deployed
 * before that field existed says it by its reason alone.
 */
function storedNoTokenOfItsOwn(summary: RefreshSummary): boolean {
  return summary.joinedAnotherRun === true || summary.reason === 'joined' || summary.reason === 'in-flight';
}

/** Why a run stored nothing, for the operator reading it (the reasons of RefreshSummary). */
const NOT_REFRESHED: Partial<Record<RefreshSummary['reason'], string>> = {
  fresh: 'the stored token is fresh (add --force to replace it anyway)',
  superseded: 'a concurrent scheduled run stored a token issued later; it was kept',
  joined: 'another refresh was in flight; this run waited for it and the token it stored is shown',
  'in-flight': "another refresh holds the lease and had not finished within this run's time: run status in a minute",
  'report-outdated': 'the reported version was replaced already',
  cooldown: 'the reported token was issued less than the rejection cooldown ago; it is now due when the cooldown ends',
  refuted: 'SendMe accepts the reported token: some consumer is misconfigured (clock, time zone or credentials)',
  verified: 'the token was due early (a report, or a run that may have revoked it), but SendMe accepts it: it keeps its schedule',
};

function summaryText(summary: RefreshSummary, force: boolean, now: Date): string {
  const why = NOT_REFRESHED[summary.reason] ?? 'see the summary';
  const outcome = summary.refreshed
    ? `refreshed (reason: ${summary.reason})`
    : summary.reason === 'fresh'
      ? `not refreshed: ${why}`
      : `not refreshed (${summary.reason}): ${why}`;
  const out = [line('request', JSON.stringify({ force })), line('result', outcome)];
  if (summary.parameterVersion !== undefined) out.push(line('version', String(summary.parameterVersion)));
  if (summary.refreshAt !== undefined) out.push(line('refresh at', `${summary.refreshAt} (${relative(new Date(summary.refreshAt), now)})`));
  if (summary.expiresAt !== undefined) out.push(line('expires', `${summary.expiresAt} (${relative(new Date(summary.expiresAt), now)})`));
  return out.join('');
}
