import type { FaspayCredentials } from '../functions/faspay/index.js';

/** Made-up credentials the simulator accepts by default (the shared reference's test vector set). */
export const DEMO_CREDENTIALS: FaspayCredentials = Object.freeze({
  faspay_key: 'demo_faspay_key_123',
  faspay_secret: 'demo_faspay_secret_456',
  app_key: 'demo_app_key',
  app_secret: 'demo_app_secret',
  client_key: 'demo_client_key',
  client_secret: 'demo_client_secret',
  iv: 'demoIVstring123',
});
