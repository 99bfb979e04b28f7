/**
 * How many SSM reads one consumer container makes, and what a cached token costs in process.
 * Run: npm run bench:consumer (also part of npm run bench). Not a test: it prints figures.
 *
 * Scenario: one container serving 10 requests/second for two full token lifetimes (20 h) on a fake
 * clock; token documents live 10 h with refreshAt 2 h before expiry, and a refresher replaces each
 * one on time. SSM is aws-sdk-client-mock on SSMClient, so every GetParameter is counted, including
 * those of Powertools' own default client.
 */

import { pathToFileURL } from 'node:url';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createFaspayTokenProvider,
  createSignedFaspayFetch,
  DEFAULT_MAX_JITTER_SECONDS,
  DEFAULT_REPORT_COOLDOWN_SECONDS,
  MIN_REREAD_AFTER_UNAUTHORIZED_MS,
} from '../functions/consumer/index.js';
import { DEFAULT_TOKEN_PARAMETER_NAME } from '../functions/contracts/settings.js';
import { serializeTokenDocument } from '../functions/token/index.js';
import { DEMO_CREDENTIALS } from '../simulator/index.js';
import { createRandom } from '../soak/random.js';
import { createWorld, documentIssuedAt, HOUR, installFakeDate, LIFETIME_MS, type Refresher, START_MS } from './lib/consumer-world.js';

const PARAMETER = DEFAULT_TOKEN_PARAMETER_NAME;
const REQUESTS_PER_SECOND = 10;
const DURATION_MS = 2 * LIFETIME_MS;

export interface ReadsFigure {
  readonly variant: string;
  readonly refresher: Refresher;
  readonly ssmReads: number;
  readonly readsPerTokenLifetime: number;
  readonly tokensPublished: number;
  readonly expiredTokensServed: number;
}

/** SendMe refusing the stored token (revoked, not replaced yet) while the container keeps calling. */
export interface RefusedTokenFigure {
  readonly minutes: number;
  readonly calls: number;
  readonly ssmReads: number;
  readonly credentialLoads: number;
  readonly reports: number;
}

export interface ConsumerBenchResult {
  readonly reads: readonly ReadsFigure[];
  readonly whileRefused: RefusedTokenFigure;
  readonly nsPerGetToken: number;
  readonly nsPerHeadersFor: number;
  readonly nsPerPowertoolsCacheHit: number;
  readonly iterations: number;
}

type ReadToken = (nowMs: number) => Promise<{ expiresAtMs: number }>;

async function countReads(variant: string, refresher: Refresher, makeReader: (clock: () => Date) => ReadToken): Promise<ReadsFigure> {
  const ssm = mockClient(SSMClient);
  const world = await createWorld(refresher);
  ssm
    .on(GetParameterCommand)
    .callsFake(() => ({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: world.stored(), Version: world.published() } }));
  let nowMs = START_MS;
  const restoreDate = installFakeDate(() => nowMs);
  clearCaches();
  let expiredServed = 0;
  try {
    const read = makeReader(() => new Date(nowMs));
    const stepMs = 1000 / REQUESTS_PER_SECOND;
    for (let elapsed = 0; elapsed < DURATION_MS; elapsed += stepMs) {
      nowMs = START_MS + elapsed;
      await world.advanceTo(nowMs);
      const token = await read(nowMs);
      if (token.expiresAtMs <= nowMs) expiredServed++;
    }
  } finally {
    restoreDate();
  }
  const ssmReads = ssm.commandCalls(GetParameterCommand).length;
  ssm.restore();
  return {
    variant,
    refresher,
    ssmReads,
    readsPerTokenLifetime: ssmReads / (DURATION_MS / LIFETIME_MS),
    tokensPublished: world.published(),
    expiredTokensServed: expiredServed,
  };
}

const thisProvider = (clock: () => Date): ReadToken => {
  const provider = createFaspayTokenProvider({
    parameterName: PARAMETER,
    ssmClient: new SSMClient({ region: 'ap-southeast-3' }),
    clock,
    // Seeded, so that the jitter and the figures repeat run to run.
    random: createRandom(42).next,
  });
  return async () => ({ expiresAtMs: (await provider.getToken()).expiresAt.getTime() });
};

const powertools = (maxAge?: number) => (): ReadToken => async () => {
  const document = await getParameter<{ expiresAt: string }>(PARAMETER, {
    decrypt: true,
    transform: 'json',
    ...(maxAge === undefined ? {} : { maxAge }),
  });
  return { expiresAtMs: Date.parse(document!.expiresAt) };
};

const REFUSED_MINUTES = 10;

/**
 * One container calling SendMe at the same rate while every call is refused: what the signed
 * fetch's re-read-and-retry costs in SSM and Secrets Manager reads, and how many reports it sends.
 */
async function countWhileRefused(): Promise<RefusedTokenFigure> {
  let nowMs = START_MS;
  let ssmReads = 0;
  let credentialLoads = 0;
  let reports = 0;
  const stored = serializeTokenDocument(documentIssuedAt(START_MS, 1));
  const provider = createFaspayTokenProvider({
    parameterName: PARAMETER,
    tokenSource: {
      read: async () => {
        ssmReads++;
        return { value: stored, version: 1 };
      },
    },
    credentials: async () => {
      credentialLoads++;
      return DEMO_CREDENTIALS;
    },
    clock: () => new Date(nowMs),
  });
  const refused = async () =>
    new Response('{"status":"9","message":"Unauthorized"}', { status: 401, headers: { 'Content-Type': 'application/json' } });
  const sendme = createSignedFaspayFetch(provider, {
    baseUrl: 'https://sendme.example.com',
    fetch: refused,
    onTokenRejected: () => void reports++,
  });
  const stepMs = 1000 / REQUESTS_PER_SECOND;
  let calls = 0;
  for (let elapsed = 0; elapsed < REFUSED_MINUTES * 60_000; elapsed += stepMs) {
    nowMs = START_MS + elapsed;
    await sendme('GET', '/account/api/balance_inquiry');
    calls++;
  }
  return { minutes: REFUSED_MINUTES, calls, ssmReads, credentialLoads, reports };
}

async function nsPerOp(iterations: number, operation: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(10_000, iterations); i++) await operation();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await operation();
  return Number(process.hrtime.bigint() - start) / iterations;
}

async function inProcessCost(iterations: number) {
  const stored = serializeTokenDocument(documentIssuedAt(Date.now(), 0));
  const provider = createFaspayTokenProvider({
    parameterName: PARAMETER,
    tokenSource: { read: async () => ({ value: stored, version: 1 }) },
    credentials: DEMO_CREDENTIALS,
  });
  const ssm = mockClient(SSMClient);
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: stored, Version: 1 } });
  clearCaches();
  try {
    return {
      nsPerGetToken: await nsPerOp(iterations, () => provider.getToken()),
      nsPerHeadersFor: await nsPerOp(iterations / 4, () => provider.headersFor('GET', '/account/api/balance_inquiry')),
      nsPerPowertoolsCacheHit: await nsPerOp(iterations, () => getParameter(PARAMETER, { decrypt: true, transform: 'json', maxAge: 300 })),
    };
  } finally {
    ssm.restore();
  }
}

export async function runConsumerBench(options: { iterations?: number } = {}): Promise<ConsumerBenchResult> {
  delete process.env.POWERTOOLS_PARAMETERS_MAX_AGE;
  const reads: ReadsFigure[] = [];
  for (const refresher of ['on time', '15-minute schedule'] as const) {
    reads.push(await countReads(`this provider (refreshAt + up to ${DEFAULT_MAX_JITTER_SECONDS} s jitter)`, refresher, thisProvider));
    reads.push(await countReads('Powertools getParameter, default cache (5 s)', refresher, powertools()));
    reads.push(await countReads('Powertools getParameter, maxAge 300 s', refresher, powertools(300)));
  }
  const iterations = options.iterations ?? 200_000;
  return { reads, whileRefused: await countWhileRefused(), iterations, ...(await inProcessCost(iterations)) };
}

export function formatConsumerBench(result: ConsumerBenchResult): string {
  const lines = [
    '== consumer token reads (bench/consumer-reads.ts, npm run bench:consumer) ==',
    `1 container, ${REQUESTS_PER_SECOND} requests/s for ${DURATION_MS / HOUR} h = 2 token lifetimes (10 h tokens, refreshAt 2 h before expiry), fake clock`,
    '',
    '| refresher | reader | SSM reads | per 10 h token lifetime | per token published | expired tokens served |',
    '|---|---|---:|---:|---:|---:|',
    ...result.reads.map(
      (figure) =>
        `| ${figure.refresher} | ${figure.variant} | ${figure.ssmReads} | ${figure.readsPerTokenLifetime} | ${(figure.ssmReads / figure.tokensPublished).toFixed(2)} | ${figure.expiredTokensServed} |`,
    ),
    '',
    `SendMe refusing the stored token for ${result.whileRefused.minutes} min, ${REQUESTS_PER_SECOND} requests/s (${result.whileRefused.calls} calls, each retried once):`,
    `  SSM reads ${result.whileRefused.ssmReads}, credential loads ${result.whileRefused.credentialLoads} (one per ${MIN_REREAD_AFTER_UNAUTHORIZED_MS / 1000} s, not one per call), rejection reports ${result.whileRefused.reports} (one per ${DEFAULT_REPORT_COOLDOWN_SECONDS} s cooldown)`,
    '',
    `in-process cost, token cached (${result.iterations} iterations, Node ${process.version}):`,
    `  getToken()                               ${Math.round(result.nsPerGetToken)} ns/op`,
    `  headersFor() (AES signature, WIB time)   ${Math.round(result.nsPerHeadersFor)} ns/op`,
    `  Powertools getParameter, cache hit       ${Math.round(result.nsPerPowertoolsCacheHit)} ns/op`,
  ];
  return lines.join('\n');
}

/** The bar: at most 2 SSM reads per token lifetime per container when the refresher is on time. */
export function meetsReadBudget(result: ConsumerBenchResult): boolean {
  return result.reads.filter((figure) => figure.variant.startsWith('this provider')).every((figure) => figure.readsPerTokenLifetime <= 2);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runConsumerBench();
  console.log(formatConsumerBench(result));
  if (!meetsReadBudget(result) || result.reads.some((figure) => figure.expiredTokensServed > 0)) {
    console.error('FAILED: more than 2 SSM reads per token lifetime, or an expired token was served');
    process.exitCode = 1;
  }
}
