import { describe, expect, it } from 'vitest';
import { SENDME_SERVICE_PATHS, SIGNED_PATH_VARIANTS, TOKEN_PATH } from '../../functions/faspay/index.js';
import { SERVICE_PATHS } from '../../simulator/index.js';

describe('the signed-path variants the probe tries', () => {
  it('are the token path, then every service path the simulator serves, each once', () => {
    expect(SIGNED_PATH_VARIANTS[0]).toBe(TOKEN_PATH);
    expect(new Set(SIGNED_PATH_VARIANTS).size).toBe(SIGNED_PATH_VARIANTS.length);
    // The simulator keeps its own route list; a service added on one side only would leave the
    // probe without that variant, or the simulator accepting one the probe never tries.
    expect([...SENDME_SERVICE_PATHS].sort()).toEqual([...SERVICE_PATHS].sort());
  });
});
