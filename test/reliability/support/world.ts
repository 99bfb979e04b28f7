import { randomBytes } from 'node:crypto';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { FaspayCredentials } from '../../../functions/faspay/index.js';
import { serializeTokenDocument } from '../../../functions/token/index.js';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '../../../simulator/index.js';
import { type MotoServer, resetMoto, startMoto } from '../../support/moto.js';
import {
  createCredentialsSecret,
  handlerEnv,
  PARAMETER_NAME,
  readParameter,
  type StoredParameter,
} from '../../support/refresher-harness.js';
import { type AwsFaultProxy, startAwsFaultProxy } from './aws-fault-proxy.js';
import { createPortGate, type PortGate } from './port-gate.js';

/** Delay of the simulator's `slow` fault; the handler's timeout is set below it for that fault. */
export const SLOW_ANSWER_MS = 1200;
export const SHORT_HTTP_TIMEOUT_MS = 400;

/**
 * Everything a reliability scenario runs against: moto behind an AWS fault proxy, the Faspay
 * simulator (also reachable through a gate that can refuse connections), and the values that must
 * never leak: the credentials and every token the simulator handed out.
 */
export interface World {
  readonly moto: MotoServer;
  readonly aws: AwsFaultProxy;
  readonly simulator: RunningSimulator;
  readonly gate: PortGate;
  readonly credentials: FaspayCredentials;
  /** Every access token the simulator issued, in order (faulty answers included). */
  readonly issuedTokens: string[];
  /** The tokens this world seeded into the parameter. */
  readonly seededTokens: string[];
  stop(): Promise<void>;
}

export interface WorldOptions {
  readonly credentials?: FaspayCredentials;
  /** @default 512 random bytes in base64 */
  readonly tokenFactory?: () => string;
  /** A moto already running (shared by several worlds in one file). */
  readonly moto?: MotoServer;
  /** Delay of the simulator's `slow` fault. @default SLOW_ANSWER_MS */
  readonly slowMs?: number;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const moto = options.moto ?? (await startMoto());
  const issuedTokens: string[] = [];
  const makeToken = options.tokenFactory ?? (() => randomBytes(512).toString('base64'));
  const simulator = await startSimulator({
    credentials: options.credentials ?? DEMO_CREDENTIALS,
    slowMs: options.slowMs ?? SLOW_ANSWER_MS,
    tokenFactory: () => {
      const token = makeToken();
      issuedTokens.push(token);
      return token;
    },
  });
  const aws = await startAwsFaultProxy(moto.endpoint);
  const gate = await createPortGate(simulator.port);
  return {
    moto,
    aws,
    simulator,
    gate,
    credentials: simulator.credentials,
    issuedTokens,
    seededTokens: [],
    async stop() {
      await gate.close();
      await aws.close();
      await simulator.close();
      if (options.moto === undefined) await moto.stop();
    },
  };
}

/** Clean AWS state with the credentials secret in place, no faults armed. */
export async function resetWorld(world: World): Promise<void> {
  await resetMoto(world.moto);
  world.aws.clear();
  world.simulator.clearFaults();
  await world.gate.close();
  await createCredentialsSecret(world.moto, world.credentials);
}

/** The handler's environment: AWS through the fault proxy, Faspay as given (the simulator by default). */
export function worldEnv(world: World, extra: Record<string, string> = {}): Record<string, string> {
  return handlerEnv(world.moto, world.simulator.url, {
    AWS_ENDPOINT_URL: world.aws.url,
    FASPAY_HTTP_TIMEOUT_MS: '3000',
    ...extra,
  });
}

/**
 * Stores a valid token document whose refresh time has passed (so a scheduled run must refresh)
 * but which still has an hour to live, and returns what is stored.
 */
export async function seedDueDocument(world: World, now = new Date()): Promise<StoredParameter> {
  const accessToken = randomBytes(512).toString('base64');
  world.seededTokens.push(accessToken);
  const hour = 3_600_000;
  const second = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
  const value = serializeTokenDocument({
    accessToken,
    issuedAt: second(now.getTime() - 9 * hour),
    expiresAt: second(now.getTime() + hour),
    refreshAt: second(now.getTime() - hour),
  });
  await storeRaw(world, value);
  return (await readParameter(world.moto))!;
}

/** Writes any text as the parameter's value (corrupt documents included), straight to moto. */
export async function storeRaw(world: World, value: string): Promise<void> {
  const client = new SSMClient(world.moto.clientConfig);
  await client.send(new PutParameterCommand({ Name: PARAMETER_NAME, Value: value, Type: 'SecureString', Overwrite: true }));
}

/** The values whose appearance anywhere in output, errors or results would be a leak. */
export function secretsOf(world: World): string[] {
  return [...Object.values(world.credentials), ...world.issuedTokens, ...world.seededTokens];
}
