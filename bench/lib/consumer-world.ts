/**
 * The consumer bench's world: one token parameter on a fake clock, rewritten either exactly at each
 * token's refreshAt (the ideal writer) or by the refresher itself, composed as the Lambda composes it
 * and run on the stack's default 15-minute schedule; and a global Date that follows the fake clock.
 */
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import { staticCredentialsSource } from '../../functions/adapters/secrets.js';
import { DEFAULT_TOKEN_PARAMETER_NAME, REFRESHER_SETTINGS, refresherConfigOf } from '../../functions/contracts/settings.js';
import { FASPAY_SANDBOX_BASE_URL } from '../../functions/faspay/index.js';
import { composeRefresher } from '../../functions/lambda/composition.js';
import { createMemoryRefreshLease } from '../../functions/refresher/lease.js';
import { createTokenDocument, serializeTokenDocument, type TokenDocument } from '../../functions/token/index.js';
import { DEMO_CREDENTIALS, successBody } from '../../simulator/index.js';

export const HOUR = 3_600_000;
export const LIFETIME_MS = 10 * HOUR;
/** The stack's default schedule (infra's REFRESHER_DEFAULTS.scheduleInterval). */
const SCHEDULE_MS = 15 * 60_000;
export const START_MS = Date.parse('2026-11-25T00:00:00Z');

export type Refresher = 'on time' | '15-minute schedule';

/** The document the refresher stores for a token requested at `issuedAtMs`, by its own rules. */
export function documentIssuedAt(issuedAtMs: number, serial: number): TokenDocument {
  return createTokenDocument(
    { accessToken: tokenNumber(serial), expiresInSeconds: LIFETIME_MS / 1000 },
    new Date(issuedAtMs),
    REFRESHER_SETTINGS.refreshBeforeExpirySeconds.default,
  );
}

const tokenNumber = (serial: number) => Buffer.from(`bench-token-${serial}`.padEnd(512, '.')).toString('base64');

export interface World {
  /** Runs every write due by `nowMs`. */
  advanceTo(nowMs: number): Promise<void>;
  /** The stored document's text and its version, as SSM would answer. */
  stored(): string;
  published(): number;
}

export async function createWorld(refresher: Refresher): Promise<World> {
  return refresher === 'on time' ? writtenOnTime() : writtenByTheRefresher();
}

function writtenOnTime(): World {
  let document = documentIssuedAt(START_MS, 1);
  let published = 1;
  return {
    async advanceTo(nowMs) {
      if (nowMs < document.refreshAt.getTime()) return;
      document = documentIssuedAt(document.refreshAt.getTime(), ++published);
    },
    stored: () => serializeTokenDocument(document),
    published: () => published,
  };
}

/**
 * The refresher as deployed (composeRefresher, the stack's lookahead of one interval), over a store
 * in memory and a Faspay that grants 10-hour tokens; each run starts a second into its minute.
 */
async function writtenByTheRefresher(): Promise<World> {
  let runMs = START_MS - SCHEDULE_MS;
  let issued = 0;
  const clock = () => new Date(runMs + 1000);
  const store = createMemoryTokenStore(clock);
  const faspay: typeof fetch = async () =>
    new Response(JSON.stringify(successBody(tokenNumber(++issued), LIFETIME_MS / 1000)), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
  const { refresher } = composeRefresher(
    refresherConfigOf({
      faspayBaseUrl: new URL(FASPAY_SANDBOX_BASE_URL),
      credentialsSecretId: 'bench',
      tokenParameterName: DEFAULT_TOKEN_PARAMETER_NAME,
      refreshLookaheadSeconds: SCHEDULE_MS / 1000,
    }),
    { store, lease: createMemoryRefreshLease(), credentials: staticCredentialsSource(DEMO_CREDENTIALS), fetch: faspay, clock },
  );
  let current = { value: '', version: 0 };
  const run = async () => {
    const result = await refresher.refresh({ force: false, trigger: 'schedule' }, { remainingTimeMs: () => 60_000 });
    if (!result.ok) throw result.error;
    current = (await store.read()) ?? current;
  };
  // The run before the bench starts stores the first token.
  await run();
  runMs += SCHEDULE_MS;
  return {
    async advanceTo(nowMs) {
      for (; runMs <= nowMs; runMs += SCHEDULE_MS) await run();
    },
    stored: () => current.value,
    published: () => current.version,
  };
}

/** Replaces the global Date so that `new Date()` and `Date.now()` (Powertools' cache clock) follow `now`. */
export function installFakeDate(now: () => number): () => void {
  const RealDate = Date;
  class FakeDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return now();
    }
  }
  globalThis.Date = FakeDate as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
  };
}
