import { parseSignedPath, SIGNED_PATH_VARIANTS } from '../../functions/faspay/index.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../../functions/token/index.js';
import {
  DEMO_CREDENTIALS,
  FAULT_HELP,
  FAULTS,
  type Fault,
  isFault,
  type RunningSimulator,
  type SimulatorRequestEvent,
  startSimulator,
} from '../../simulator/index.js';
import { asUsage, parseDurationWithin, parseInteger } from '../args.js';
import { defineCommand } from '../command.js';
import { readCredentialsFile } from '../credentials-file.js';
import { CliSetupError, UsageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { credentialsFingerprint, formatSpan, isoSeconds, line } from '../format.js';
import type { CliIo } from '../io.js';

export const DEFAULT_SIMULATOR_PORT = 4010;

const HELP = `Usage: simulator [options]

Starts the Faspay SendMe simulator alone, in the foreground, on 127.0.0.1: the token endpoint
(GET /account/api/tokens) and a signed balance inquiry (GET /account/api/balance_inquiry), verified
exactly as the protocol reference describes. Ctrl-C stops it.

Options:
  --port N              port on 127.0.0.1 (default ${DEFAULT_SIMULATOR_PORT}; 0 picks a free one)
  --token-lifetime D    expired_in of issued tokens (default 10h, 1s to 48h; e.g. 60, 5m, 10h)
  --fault NAME          answer the next token request with this fault; repeat for more, in order
  --credentials FILE    accept this credential set instead of the demo one (never printed)
  --revoke-on-issue     a new token revokes every earlier one (Faspay does not document whether
                        it does): an outside token request then breaks the stored token
  --accept-signed-path PATH
                        accept token requests signed with this path only (repeat for more), as a
                        Faspay that takes one variant would: a target for the probe command
                        (default: ${SIGNED_PATH_VARIANTS[0]} and every SendMe service path)
  --json                one JSON object per line: "listening", then one per request
  -h, --help            this help

Faults: ${FAULTS.join(', ')}.
More faults while it runs: curl -X POST URL/__simulator/faults -d '{"next":["http-500"]}'
(or '{"sticky":"unauthorized"}' for every request until '{"sticky":null}').
`;

const OPTIONS = {
  port: { type: 'string', default: String(DEFAULT_SIMULATOR_PORT) },
  'token-lifetime': { type: 'string', default: '10h' },
  fault: { type: 'string', multiple: true, default: [] as string[] },
  credentials: { type: 'string' },
  'revoke-on-issue': { type: 'boolean', default: false },
  'accept-signed-path': { type: 'string', multiple: true, default: [] as string[] },
} as const;

export const simulatorCommand = defineCommand('simulator', OPTIONS, HELP, async (args, io) => {
  const port = parseInteger('--port', args.port, 0, 65535);
  // Faspay's range as the refresher accepts it: a longer expired_in would only be refused later.
  const tokenLifetimeSeconds = parseDurationWithin('--token-lifetime', args['token-lifetime'], 1, MAX_TOKEN_LIFETIME_SECONDS);
  const faults = args.fault.map(parseFault);
  const acceptedSignedPaths = args['accept-signed-path'].map((path) => asUsage(() => parseSignedPath(path, '--accept-signed-path')));
  const credentials = args.credentials === undefined ? DEMO_CREDENTIALS : await readCredentialsFile(args.credentials, io.cwd);
  const stop = io.stopSignal();
  const simulator = await listen(port, {
    credentials,
    tokenLifetimeSeconds,
    revokeOnIssue: args['revoke-on-issue'],
    ...(acceptedSignedPaths.length > 0 ? { acceptedSignedPaths } : {}),
    now: io.clock,
    onRequest: (event) => reportRequest(io, args.json, event),
  });
  simulator.failNext(...faults);
  const demo = args.credentials === undefined;
  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({
        event: 'listening',
        url: simulator.url,
        port: simulator.port,
        tokenLifetimeSeconds,
        revokeOnIssue: args['revoke-on-issue'],
        acceptedSignedPaths: acceptedSignedPaths.length > 0 ? acceptedSignedPaths : SIGNED_PATH_VARIANTS,
        faultsQueued: faults,
        credentials: demo ? { demo: true, values: DEMO_CREDENTIALS } : { demo: false, fingerprint: credentialsFingerprint(credentials) },
      })}\n`,
    );
  } else {
    io.stdout.write(
      banner(
        simulator,
        tokenLifetimeSeconds,
        faults,
        demo ? undefined : credentialsFingerprint(credentials),
        args['revoke-on-issue'],
        acceptedSignedPaths,
      ),
    );
  }
  await untilAborted(stop);
  await simulator.close();
  if (args.json) io.stdout.write(`${JSON.stringify({ event: 'stopped' })}\n`);
  else io.stdout.write('simulator stopped\n');
  return EXIT_CODES.ok;
});

function parseFault(name: string): Fault {
  if (!isFault(name)) throw new UsageError(`--fault "${name}" is not a fault; choose one of: ${FAULTS.join(', ')}`);
  return name;
}

async function listen(port: number, options: Parameters<typeof startSimulator>[0]): Promise<RunningSimulator> {
  try {
    return await startSimulator({ ...options, port });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new CliSetupError('PORT_IN_USE', `port ${port} on 127.0.0.1 is in use: pass --port N (0 picks a free port)`);
    }
    throw error;
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function banner(
  simulator: RunningSimulator,
  lifetimeSeconds: number,
  faults: readonly Fault[],
  fingerprint: string | undefined,
  revokeOnIssue: boolean,
  acceptedSignedPaths: readonly string[],
): string {
  const out = [
    `Faspay SendMe simulator listening on ${simulator.url} (Ctrl-C stops it)\n`,
    line('token endpoint', `GET ${simulator.url}/account/api/tokens`),
    line('service', `GET ${simulator.url}/account/api/balance_inquiry (signed with an issued token)`),
    line('token lifetime', formatSpan(lifetimeSeconds)),
  ];
  if (revokeOnIssue) out.push(line('revoke on issue', 'on: each new token revokes every earlier one'));
  if (acceptedSignedPaths.length > 0)
    out.push(line('signed paths', `token requests accepted only when signed with ${acceptedSignedPaths.join(', ')}`));
  if (faults.length > 0) out.push(line('faults queued', faults.map((fault) => `${fault} (${FAULT_HELP[fault]})`).join('; ')));
  if (fingerprint === undefined) {
    out.push(line('credentials', 'DEMO credentials: made-up public values that only this simulator accepts'));
    out.push(`${JSON.stringify(DEMO_CREDENTIALS, null, 2)}\n`);
    out.push(line('try it', `save that JSON as demo-credentials.json, then in another terminal:`));
    out.push(line('', `npm start -- --faspay-url ${simulator.url} --credentials demo-credentials.json`));
  } else {
    out.push(line('credentials', `from the file given (sha256 ${fingerprint}…; values not shown)`));
  }
  out.push('requests:\n');
  return out.join('');
}

function reportRequest(io: CliIo, json: boolean, event: SimulatorRequestEvent): void {
  const at = isoSeconds(io.clock());
  if (json) {
    io.stdout.write(`${JSON.stringify({ event: 'request', at, ...event })}\n`);
    return;
  }
  const extra = event.fault ?? event.problem;
  io.stdout.write(`  ${at} ${event.method} ${event.path} -> ${event.status} ${event.outcome}${extra === undefined ? '' : ` (${extra})`}\n`);
}
