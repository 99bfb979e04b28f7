import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore } from '../../functions/adapters/parameter-store.js';
import { rememberReport } from '../../functions/refresher/remembered-reports.js';
import {
  createTokenDocument,
  parseTokenDocument,
  serializeTokenDocument,
  type TokenStore,
  tokenStateOf,
} from '../../functions/token/index.js';

const ISSUED = new Date('2026-11-25T00:00:00Z');
const old = createTokenDocument({ accessToken: 'tok-old', expiresInSeconds: 36000 }, ISSUED, 7200);
const newer = createTokenDocument({ accessToken: 'tok-new', expiresInSeconds: 36000 }, new Date(ISSUED.getTime() + 30_000), 7200);
const NOW = new Date(ISSUED.getTime() + 40_000);

async function storeWith(...documents: (typeof old)[]) {
  const store = createMemoryTokenStore(() => NOW);
  for (const document of documents) await store.write(serializeTokenDocument(document));
  return store;
}

describe('rememberReport', () => {
  it('stores the same token again, due at the given time (whole seconds), and only once', async () => {
    const store = await storeWith(old);
    const state = tokenStateOf(await store.read(), NOW);
    if (state.kind !== 'valid') throw new Error('seeded');

    const first = await rememberReport(store, state, new Date(ISSUED.getTime() + 60_500), NOW);
    const again = await rememberReport(store, first, new Date(ISSUED.getTime() + 90_000), NOW);

    expect(first).toMatchObject({ version: 2, document: { accessToken: 'tok-old', refreshAt: new Date(ISSUED.getTime() + 61_000) } });
    expect(again).toBe(first);
    expect((await store.read())!.version).toBe(2);
  });

  it('writes nothing when another run stored a token after its read: the report is taken care of', async () => {
    // GIVEN a state read while the old token was stored, and another run storing a newer token after that read
    const store = await storeWith(old);
    const read = tokenStateOf(await store.read(), NOW);
    if (read.kind !== 'valid') throw new Error('seeded');
    await store.write(serializeTokenDocument(newer));

    // WHEN the report is remembered from the stale read
    const result = await rememberReport(store, read, new Date(ISSUED.getTime() + 60_000), NOW);

    // THEN the newer token stays on top, never covered by the reported one, not even for a moment
    const stored = await store.read();
    expect(stored!.version).toBe(2);
    expect(parseTokenDocument(stored!.value)).toEqual(newer);
    expect(result).toEqual({ kind: 'valid', document: newer, version: 2 });
  });

  /** A store in which another run stores `newer` just before this run's first write lands. */
  function racedStore(memory: Awaited<ReturnType<typeof storeWith>>, withVersions: boolean): TokenStore {
    let raced = false;
    const write = async (value: string) => {
      if (!raced) {
        raced = true;
        await memory.write(serializeTokenDocument(newer));
      }
      return memory.write(value);
    };
    return withVersions ? { ...memory, read: () => memory.read(), write } : { read: () => memory.read(), write };
  }

  it('puts a token another run stored between its last read and its write back on top: no new token is lost to an old one', async () => {
    const store = racedStore(await storeWith(old), true);
    const read = tokenStateOf(await store.read(), NOW);
    if (read.kind !== 'valid') throw new Error('seeded');

    const result = await rememberReport(store, read, new Date(ISSUED.getTime() + 60_000), NOW);

    const stored = await store.read();
    expect(parseTokenDocument(stored!.value)).toEqual(newer);
    expect(result).toEqual({ kind: 'valid', document: newer, version: 4 });
  });

  it('leaves its write in place when the store cannot read earlier versions', async () => {
    const store = racedStore(await storeWith(old), false);
    const read = tokenStateOf(await store.read(), NOW);
    if (read.kind !== 'valid') throw new Error('seeded');
    const result = await rememberReport(store, read, new Date(ISSUED.getTime() + 60_000), NOW);
    expect(result).toMatchObject({ version: 3, document: { accessToken: 'tok-old' } });
  });
});
