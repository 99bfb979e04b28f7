import { expect, vi } from 'vitest';
import { DEMO_CREDENTIALS, type RunningSimulator, type SimulatorRequestEvent, startSimulator } from '../../simulator/index.js';
import { type MotoServer, resetMoto, startMoto } from './moto.js';
import { captureOutput, findLeaks } from './output-capture.js';
import { createCredentialsSecret } from './refresher-harness.js';

/**
 * The stand-ins of the consumer's end-to-end tests: moto for SSM, Secrets Manager and EventBridge,
 * the Faspay simulator recording every request, and the output of each test scanned for the
 * credentials and every token it saw.
 */
export interface ConsumerWorld {
  readonly moto: MotoServer;
  readonly simulator: RunningSimulator;
  /** What the simulator answered, in order (cleared before each test). */
  readonly events: SimulatorRequestEvent[];
}

export async function startConsumerWorld(options: { readonly revokeOnIssue?: boolean } = {}): Promise<ConsumerWorld> {
  const events: SimulatorRequestEvent[] = [];
  const moto = await startMoto();
  const simulator = await startSimulator({ ...options, onRequest: (event) => events.push(event) });
  return { moto, simulator, events };
}

export async function stopConsumerWorld(world: ConsumerWorld | undefined): Promise<void> {
  await world?.simulator.close();
  await world?.moto.stop();
}

/** A clean slate for one test: empty moto with the credentials secret, no valid token at Faspay; starts capturing output. */
export async function resetConsumerWorld(world: ConsumerWorld): Promise<ReturnType<typeof captureOutput>> {
  await resetMoto(world.moto);
  world.simulator.revokeAll();
  world.events.length = 0;
  await createCredentialsSecret(world.moto, DEMO_CREDENTIALS);
  return captureOutput();
}

/** Stops the capture and fails the test if a credential or any of `tokens` was printed. */
export function expectNothingLeaked(output: ReturnType<typeof captureOutput>, tokens: readonly string[]): void {
  output.stop();
  expect(findLeaks(output.text(), [...Object.values(DEMO_CREDENTIALS), ...tokens])).toEqual([]);
  vi.unstubAllEnvs();
}
