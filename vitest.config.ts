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
    // vitest runs one file at a time on 2 CPUs (cpus - 1); most files wait on moto_server, cdk or a
    // child process rather than compute, so three at a time keeps both cores busy (4m45s -> about 3m).
    maxWorkers: 3,
  },
});
