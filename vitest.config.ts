import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The prebuilt Lambda assets (dist/assets) the construct deploys, built before any test synthesizes.
    // test/temp-root.ts: every temporary folder of the run under one root, removed at the end.
    globalSetup: ['test/temp-root.ts', 'test/global-setup.ts'],
    // moto_server, cdk synth and the deploy smoke test are slow to start on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
