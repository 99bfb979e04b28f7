import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRandom } from '../../soak/random.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { captureOutput } from '../support/output-capture.js';
import { type Handler, lambdaContext, loadHandler } from '../support/refresher-harness.js';
import { captureConsole } from './support/console-capture.js';
import { createEvidence, FORCED_EVENT, type Output, SCHEDULED_EVENT } from './support/invocations.js';
import { derivedSecrets, findStrictLeaks, findTokenFragments, strictLeakForms } from './support/leak-scan.js';
import { randomCredentials, randomToken } from './support/random-secrets.js';
import { ALL_FAULT_SCENARIOS } from './support/scenarios.js';
import { resetWorld, seedDueDocument, startWorld, storeRaw, type World, worldEnv } from './support/world.js';

/**
 * Redaction as a property: for credential sets and tokens drawn at random (with characters that
 * JSON, base64 and URL encoding change), every scenario of the fault matrix plus the success,
 * corrupt-document, time-budget, race and bad-event paths runs against the real handler, and every
 * byte written to stdout/stderr, every result and every rejection (JSON, util.inspect with causes,
 * stack) is searched for each secret in each form and for any 24-character slice of any token.
 * Each story draws its own credentials; REDACTION_ROUNDS=n replays every story n times with other draws.
 */

const ROUNDS = Number(process.env.REDACTION_ROUNDS ?? 1);
const SEEDS = Array.from({ length: ROUNDS }, (_, round) => 0x5eed + round);

interface Run {
  readonly world: World;
  readonly output: Output;
  readonly evidence: ReturnType<typeof createEvidence>;
  load(env?: Record<string, string>): Promise<Handler>;
}

type Story = readonly [name: string, play: (run: Run) => Promise<void>];

const STORIES: readonly Story[] = [
  [
    'first refresh, fresh no-op, forced refresh, EventBridge event',
    async ({ load, evidence }) => {
      const handler = await load();
      await evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext());
      await evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext());
      await evidence.invoke(handler, FORCED_EVENT, lambdaContext());
      await evidence.invoke(
        handler,
        { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-25T00:00:00Z' },
        lambdaContext(),
      );
    },
  ],
  ...ALL_FAULT_SCENARIOS.flatMap((scenario): Story[] => {
    const play =
      (times: number) =>
      async ({ world, output, evidence, load }: Run) => {
        await seedDueDocument(world);
        const handler = await load(scenario.env?.(world));
        await scenario.arm(world, times, output);
        await evidence.invoke(handler, SCHEDULED_EVENT, lambdaContext());
      };
    const lasting: Story = [`${scenario.name}, lasting`, play(Number.POSITIVE_INFINITY)];
    return scenario.kind === 'transient' ? [lasting, [`${scenario.name}, then cleared`, play(scenario.attempts - 1)]] : [lasting];
  }),
  [
    'a corrupt stored document that carries a token',
    async ({ world, evidence, load }) => {
      await seedDueDocument(world);
      const leakedToken = world.seededTokens.at(-1)!;
      await storeRaw(world, JSON.stringify({ accessToken: leakedToken, issuedAt: 'x', expiresAt: 'y', refreshAt: 'z' }));
      await evidence.invoke(await load(), SCHEDULED_EVENT, lambdaContext());
    },
  ],
  [
    'no time left for a token request',
    async ({ world, evidence, load }) => {
      await seedDueDocument(world);
      await evidence.invoke(await load(), SCHEDULED_EVENT, lambdaContext(3500));
    },
  ],
  [
    'a scheduled and a forced run racing',
    async ({ world, evidence, load }) => {
      await seedDueDocument(world);
      const [a, b] = [await load(), await load()];
      await Promise.all([evidence.invoke(a, SCHEDULED_EVENT, lambdaContext()), evidence.invoke(b, FORCED_EVENT, lambdaContext())]);
    },
  ],
  [
    'events that carry a credential as a value',
    async ({ world, evidence, load }) => {
      const handler = await load();
      const { app_secret, faspay_secret, client_secret } = world.credentials;
      for (const event of [
        { force: app_secret },
        [faspay_secret],
        client_secret,
        { trigger: client_secret },
        { force: true, extra: app_secret },
      ]) {
        await evidence.invoke(handler, event, lambdaContext());
      }
    },
  ],
];

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

describe('the leak scanner (test support)', () => {
  it('finds a secret written raw, base64, base64url, URL-encoded or JSON-escaped, and slices of tokens', () => {
    const secret = 'a"b\\c+d/e=f é';
    for (const form of strictLeakForms(secret)) expect(findStrictLeaks(`log: ${form} end`, [secret])).not.toEqual([]);
    const token = randomToken(createRandom(7));
    expect(findTokenFragments(`{"msg":"${token.slice(100, 130)}"}`, [token])).not.toEqual([]);
    expect(findTokenFragments(`{"msg":"${token.slice(100, 120)}"}`, [token])).toEqual([]);
  });
});

describe.each(SEEDS)('redaction with random credentials and tokens (seed %i)', (seed) => {
  const random = createRandom(seed);
  let world: World;
  let startedAt: Date;
  let output: Output;
  let consoleOutput: ReturnType<typeof captureConsole>;
  let evidence: ReturnType<typeof createEvidence>;

  // A new credential set and token stream for every story: many draws per round, at the cost of a
  // simulator start (milliseconds), not of a moto start.
  beforeEach(async () => {
    world = await startWorld({ moto, credentials: randomCredentials(random), tokenFactory: () => randomToken(random) });
    startedAt = new Date();
    await resetWorld(world);
    vi.spyOn(Math, 'random').mockReturnValue(0.2);
    evidence = createEvidence();
    output = captureOutput();
    consoleOutput = captureConsole();
  });

  afterEach(async () => {
    output.stop();
    consoleOutput.stop();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await world.stop();
    const everything = `${output.text()}\n${consoleOutput.text()}\n${evidence.text()}`;
    const secrets = [...Object.values(world.credentials), ...derivedSecrets(world.credentials, startedAt, new Date())];
    const tokens = [...world.issuedTokens, ...world.seededTokens];
    expect(findStrictLeaks(everything, [...secrets, ...tokens])).toEqual([]);
    expect(findTokenFragments(everything, tokens)).toEqual([]);
  });

  it.each(STORIES)('%s: nothing secret in output, results or errors', async (_name, play) => {
    await play({ world, output, evidence, load: (env) => loadHandler(worldEnv(world, env)) });
    // The scan is only meaningful if the story produced something to scan.
    expect(output.text().length + consoleOutput.text().length + evidence.text().length).toBeGreaterThan(0);
  });
});
