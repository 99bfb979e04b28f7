import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import { captureOutput, findLeaks } from '../../support/output-capture.js';
import { type Handler, loadHandler } from '../../support/refresher-harness.js';
import { createEvidence, type Output } from './invocations.js';
import { resetWorld, secretsOf, startWorld, type World, type WorldOptions, worldEnv } from './world.js';

export interface WorldHooksOptions extends WorldOptions {
  /** Fixes Math.random (the refresher's and the AWS SDK's jitter) for exact, short backoff delays. */
  readonly jitter?: number;
}

/**
 * Registers the hooks every reliability file needs: one world per file, a clean state per test,
 * and after each test the check that nothing secret reached the output, a result or an error.
 */
export function useWorld(options: WorldHooksOptions = {}) {
  let world: World | undefined;
  let output: Output | undefined;
  let evidence = createEvidence();

  beforeAll(async () => {
    world = await startWorld(options);
  });
  afterAll(async () => {
    await world?.stop();
  });
  beforeEach(async () => {
    await resetWorld(world!);
    if (options.jitter !== undefined) vi.spyOn(Math, 'random').mockReturnValue(options.jitter);
    evidence = createEvidence();
    output = undefined;
  });
  afterEach(() => {
    output?.stop();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    expect(findLeaks(`${output?.text() ?? ''}\n${evidence.text()}`, secretsOf(world!))).toEqual([]);
  });

  return {
    get world(): World {
      return world!;
    },
    /** The capture of the current test's output (started by the first cold start). */
    get output(): Output {
      if (output === undefined) throw new Error('no handler was started in this test yet');
      return output;
    },
    get evidence() {
      return evidence;
    },
    /** A cold start of the real handler with this world's environment; output is captured from here on. */
    async coldStart(env: Record<string, string> = {}): Promise<Handler> {
      const handler = await loadHandler(worldEnv(world!, env));
      output ??= captureOutput();
      return handler;
    },
  };
}
