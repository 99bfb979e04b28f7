import { type StoredTokenState, tokenStateOf } from '../token/index.js';
import type { TokenSource } from './ports.js';

/** The one way the refresher (and the CLI) read the stored token: the record, parsed and checked at `now`. */
export async function readTokenState(store: TokenSource, now: Date): Promise<StoredTokenState> {
  return tokenStateOf(await store.read(), now);
}
