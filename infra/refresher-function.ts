import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { renderRefresherEnvironment } from '../functions/contracts/settings.js';
import { METRICS_NAMESPACE, POWERTOOLS_ENV, SERVICE_NAME } from '../functions/contracts/telemetry.js';
import { FUNCTION_ASYNC_RETRY_ATTEMPTS, FUNCTION_MAX_EVENT_AGE_MINUTES } from './async-invocation.js';
import { LAMBDA_RUNTIME, lambdaAssetCode } from './bundling.js';
import { derivedSettings } from './setting-entries.js';
import { FUNCTION_SETTINGS } from './token-refresher-props.js';
import type { RefresherSettings } from './token-refresher-settings.js';

export interface RefresherFunctionOptions {
  readonly settings: RefresherSettings;
  readonly role: iam.Role;
  readonly network: Pick<lambda.FunctionOptions, 'vpc' | 'vpcSubnets' | 'securityGroups'>;
  readonly logGroup: logs.LogGroup;
  readonly credentialsSecret: secretsmanager.ISecret;
  readonly tokenParameterKey: kms.IKey | undefined;
}

/**
 * The refresher's Lambda function (id `Function` in `scope`): the prebuilt asset, its settings
 * rendered into its environment, and the log group it alone writes to.
 */
export function createRefresherFunction(scope: Construct, options: RefresherFunctionOptions): lambda.Function {
  const { settings, role, logGroup } = options;
  logGroup.grantWrite(role);
  return new lambda.Function(scope, 'Function', {
    ...LAMBDA_RUNTIME,
    ...options.network,
    code: lambdaAssetCode('refresher'),
    memorySize: 256,
    timeout: settings.functionTimeout,
    role,
    logGroup,
    description: 'Keeps a valid Faspay SendMe access token in SSM Parameter Store',
    ...(settings.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: settings.reservedConcurrency }),
    // Why none: infra/async-invocation.ts. Failures alarm instead.
    retryAttempts: FUNCTION_ASYNC_RETRY_ATTEMPTS,
    maxEventAge: Duration.minutes(FUNCTION_MAX_EVENT_AGE_MINUTES),
    environment: {
      ...renderRefresherEnvironment({
        ...settings.function,
        ...derivedSettings(FUNCTION_SETTINGS, {
          credentialsSecret: options.credentialsSecret,
          tokenParameterKey: options.tokenParameterKey,
          scheduleIntervalSeconds: settings.scheduleIntervalSeconds,
        }),
      }),
      [POWERTOOLS_ENV.serviceName]: SERVICE_NAME,
      [POWERTOOLS_ENV.metricsNamespace]: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
    },
  });
}
