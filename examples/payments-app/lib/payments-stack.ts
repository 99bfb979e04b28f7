import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { FASPAY_PRODUCTION_BASE_URL, FASPAY_SANDBOX_BASE_URL, FaspayTokenRefresher } from 'faspay-sendme-token-refresher/cdk';

export interface PaymentsStackProps extends StackProps {
  /** @default FASPAY_SANDBOX_BASE_URL */
  readonly sandboxBaseUrl?: string;
  /** @default FASPAY_PRODUCTION_BASE_URL */
  readonly productionBaseUrl?: string;
}

/** Secrets created once by an operator (`aws secretsmanager create-secret`, see README.md), never by a deploy. */
export const CREDENTIALS_SECRET_NAMES = {
  sandbox: 'payments/faspay-sendme/sandbox',
  production: 'payments/faspay-sendme/production',
} as const;

/**
 * One stack, two Faspay credential sets: each refresher has its own secret, token parameter, schedule,
 * alarms and IAM role. The payout Lambda reads the production token and is allowed to by `grantConsumer`.
 */
export class PaymentsStack extends Stack {
  constructor(scope: Construct, id: string, props: PaymentsStackProps = {}) {
    super(scope, id, props);

    const sandbox = new FaspayTokenRefresher(this, 'SandboxToken', {
      faspayBaseUrl: props.sandboxBaseUrl ?? FASPAY_SANDBOX_BASE_URL,
      credentialsSecret: secretsmanager.Secret.fromSecretNameV2(this, 'SandboxCredentials', CREDENTIALS_SECRET_NAMES.sandbox),
      tokenParameterName: '/payments/faspay/sandbox/access-token',
    });
    const production = new FaspayTokenRefresher(this, 'ProductionToken', {
      faspayBaseUrl: props.productionBaseUrl ?? FASPAY_PRODUCTION_BASE_URL,
      credentialsSecret: secretsmanager.Secret.fromSecretNameV2(this, 'ProductionCredentials', CREDENTIALS_SECRET_NAMES.production),
      tokenParameterName: '/payments/faspay/production/access-token',
    });

    const payout = new nodejs.NodejsFunction(this, 'Payout', {
      entry: fileURLToPath(new URL('../src/payout/handler.ts', import.meta.url)),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(30),
      logGroup: new logs.LogGroup(this, 'PayoutLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      environment: {
        FASPAY_BASE_URL: props.productionBaseUrl ?? FASPAY_PRODUCTION_BASE_URL,
        TOKEN_PARAMETER_NAME: production.parameterName,
        FASPAY_CREDENTIALS_SECRET_ID: production.credentialsSecret.secretName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      // The SDK is bundled, pinned to the version you tested, instead of the runtime's moving one.
      bundling: { minify: true, sourceMap: true, bundleAwsSDK: true },
    });
    // The token, the credentials, and the report channel that lets a token SendMe refuses heal.
    production.grantConsumer(payout);

    new CfnOutput(this, 'PayoutFunctionName', { value: payout.functionName });
    new CfnOutput(this, 'SandboxRefresherName', { value: sandbox.function.functionName });
    new CfnOutput(this, 'ProductionRefresherName', { value: production.function.functionName });
  }
}
