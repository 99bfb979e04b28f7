import { DeleteSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Fault } from '../../../simulator/index.js';
import { SECRET_NAME } from '../../support/refresher-harness.js';
import { AWS_FAULTS, type AwsFault, type AwsOperation } from './aws-fault-proxy.js';
import { type Output, RETRY_MESSAGE, whenLogged } from './invocations.js';
import { SHORT_HTTP_TIMEOUT_MS, type World } from './world.js';

/** What a fault does to one invocation. */
export type FaultKind =
  /** Retried (by the refresher for Faspay, by the AWS SDK for AWS), and a cleared fault succeeds. */
  | 'transient'
  /** Tried once: trying again with the same input cannot help. */
  | 'permanent';

/**
 * One fault of the matrix. Every scenario is run by the fault matrix (assertions per fault) and by
 * the redaction property (random credentials and tokens), so adding one here covers both.
 */
export interface FaultScenario {
  readonly name: string;
  /** The stable code the handler rejects with while the fault lasts. */
  readonly code: string;
  readonly kind: FaultKind;
  /** Extra handler environment (Faspay URL, timeout). */
  env?(world: World): Record<string, string>;
  /**
   * Arms the fault for its next `times` occurrences (Infinity: until the world is reset). `output`
   * is the capture of the run about to start, for faults that clear on what the refresher logs.
   */
  arm(world: World, times: number, output: Output): Promise<void>;
  /** Requests that reached the faulty dependency so far; undefined when none can be counted there. */
  requests(world: World): number | undefined;
  /** Requests one invocation makes while the fault lasts. */
  readonly attempts: number;
}

/** Faspay token requests per invocation (FASPAY_MAX_ATTEMPTS default) and AWS SDK attempts per call (standard mode). */
export const FASPAY_ATTEMPTS = 3;
export const SDK_ATTEMPTS = 3;

function faspay(fault: Fault, code: string, kind: FaultKind, env?: FaultScenario['env']): FaultScenario {
  return {
    name: `Faspay ${fault}`,
    code,
    kind,
    ...(env === undefined ? {} : { env }),
    async arm(world, times) {
      if (times === Number.POSITIVE_INFINITY) world.simulator.setFault(fault);
      else world.simulator.failNext(...Array.from({ length: times }, () => fault));
    },
    requests: (world) => world.simulator.tokenRequests(),
    attempts: kind === 'transient' ? FASPAY_ATTEMPTS : 1,
  };
}

function aws(name: string, operation: AwsOperation, fault: AwsFault, code: string, kind: FaultKind): FaultScenario {
  return {
    name,
    code,
    kind,
    async arm(world, times) {
      world.aws.inject(operation, fault, times);
    },
    requests: (world) => world.aws.calls(operation),
    attempts: kind === 'transient' ? SDK_ATTEMPTS : 1,
  };
}

function secretValue(name: string, value: string): FaultScenario {
  return {
    name,
    code: 'CREDENTIALS_INVALID',
    kind: 'permanent',
    async arm(world) {
      await new SecretsManagerClient(world.moto.clientConfig).send(
        new PutSecretValueCommand({ SecretId: SECRET_NAME, SecretString: value }),
      );
    },
    requests: (world) => world.aws.calls('SecretsManager.GetSecretValue'),
    attempts: 1,
  };
}

export const FASPAY_SCENARIOS: readonly FaultScenario[] = [
  faspay('http-500', 'FASPAY_HTTP_ERROR', 'transient'),
  faspay('html-500', 'FASPAY_HTTP_ERROR', 'transient'),
  faspay('http-429', 'FASPAY_HTTP_ERROR', 'transient'),
  faspay('internal-error', 'FASPAY_REJECTED', 'transient'),
  faspay('reset-mid-body', 'FASPAY_NETWORK', 'transient'),
  faspay('slow', 'FASPAY_TIMEOUT', 'transient', () => ({ FASPAY_HTTP_TIMEOUT_MS: String(SHORT_HTTP_TIMEOUT_MS) })),
  {
    name: 'Faspay connection refused',
    code: 'FASPAY_NETWORK',
    kind: 'transient',
    env: (world) => ({ FASPAY_BASE_URL: world.gate.url }),
    // The gate refuses until opened: a cleared fault opens it once the refresher has logged `times`
    // retries, during the backoff pause before the next attempt.
    async arm(world, times, output) {
      await world.gate.close();
      if (times !== Number.POSITIVE_INFINITY) {
        void whenLogged(output, RETRY_MESSAGE, times).then(
          () => world.gate.open(),
          () => undefined,
        );
      }
    },
    requests: () => undefined,
    attempts: FASPAY_ATTEMPTS,
  },
  faspay('unauthorized', 'FASPAY_UNAUTHORIZED', 'permanent'),
  faspay('rejected', 'FASPAY_REJECTED', 'permanent'),
  faspay('malformed-json', 'FASPAY_BAD_RESPONSE', 'permanent'),
  faspay('empty-token', 'FASPAY_BAD_RESPONSE', 'permanent'),
  faspay('expired-in-missing', 'FASPAY_BAD_RESPONSE', 'permanent'),
  faspay('expired-in-non-numeric', 'FASPAY_BAD_RESPONSE', 'permanent'),
  faspay('expired-in-zero', 'FASPAY_BAD_RESPONSE', 'permanent'),
  faspay('expired-in-negative', 'FASPAY_BAD_RESPONSE', 'permanent'),
  faspay('oversized-body', 'FASPAY_BAD_RESPONSE', 'permanent'),
];

export const AWS_SCENARIOS: readonly FaultScenario[] = [
  {
    name: 'Secrets Manager secret missing',
    code: 'CREDENTIALS_UNAVAILABLE',
    kind: 'permanent',
    async arm(world) {
      await new SecretsManagerClient(world.moto.clientConfig).send(
        new DeleteSecretCommand({ SecretId: SECRET_NAME, ForceDeleteWithoutRecovery: true }),
      );
    },
    requests: (world) => world.aws.calls('SecretsManager.GetSecretValue'),
    attempts: 1,
  },
  aws('Secrets Manager access denied', 'SecretsManager.GetSecretValue', AWS_FAULTS.accessDenied, 'CREDENTIALS_UNAVAILABLE', 'permanent'),
  aws('Secrets Manager throttled', 'SecretsManager.GetSecretValue', AWS_FAULTS.throttled, 'CREDENTIALS_UNAVAILABLE', 'transient'),
  secretValue('secret not JSON', 'faspay_key=abc'),
  secretValue('secret keys missing', JSON.stringify({ faspay_key: 'k', app_key: 'a' })),
  secretValue(
    'secret values not strings',
    JSON.stringify({ faspay_key: 1, faspay_secret: true, app_key: [], app_secret: {}, client_key: 'c', client_secret: 'd', iv: 'e' }),
  ),
  aws('SSM read throttled', 'SSM.GetParameter', AWS_FAULTS.throttled, 'PARAMETER_READ_FAILED', 'transient'),
  aws('SSM read access denied', 'SSM.GetParameter', AWS_FAULTS.accessDenied, 'PARAMETER_READ_FAILED', 'permanent'),
  aws('SSM write throttled', 'SSM.PutParameter', AWS_FAULTS.throttled, 'PARAMETER_WRITE_FAILED', 'transient'),
  aws('SSM write failing (500)', 'SSM.PutParameter', AWS_FAULTS.internalError, 'PARAMETER_WRITE_FAILED', 'transient'),
  aws('SSM write access denied', 'SSM.PutParameter', AWS_FAULTS.accessDenied, 'PARAMETER_WRITE_FAILED', 'permanent'),
  aws('SSM write version limit', 'SSM.PutParameter', AWS_FAULTS.versionLimit, 'PARAMETER_WRITE_FAILED', 'permanent'),
  aws('SSM lease throttled', 'SSM.Lease', AWS_FAULTS.throttled, 'PARAMETER_WRITE_FAILED', 'transient'),
  aws('SSM lease access denied', 'SSM.Lease', AWS_FAULTS.accessDenied, 'PARAMETER_WRITE_FAILED', 'permanent'),
];

export const ALL_FAULT_SCENARIOS: readonly FaultScenario[] = [...FASPAY_SCENARIOS, ...AWS_SCENARIOS];
