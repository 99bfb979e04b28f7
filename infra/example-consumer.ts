import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { renderRefresherEnvironment } from '../functions/contracts/settings.js';
import { EXAMPLE_CONSUMER_SERVICE_NAME, POWERTOOLS_ENV } from '../functions/contracts/telemetry.js';
import { LAMBDA_RUNTIME, lambdaAssetCode } from './bundling.js';
import { acknowledgeNetworkInterfaceActions } from './nag-acknowledgements.js';
import { networkOptions } from './refresher-network.js';
import type { FaspayTokenRefresher } from './token-refresher.js';
import { credentialsSecretIdOf } from './token-refresher-props.js';

export interface ExampleConsumerProps {
  /** The refresher whose token (and credentials) the consumer reads, and reports refused, through `grantConsumer`. */
  readonly refresher: FaspayTokenRefresher;
  /** Must equal the refresher's; the consumer signs its service calls for the same SendMe. */
  readonly faspayBaseUrl: string;
  readonly timeZone: string;
}

/**
 * The example consumer Lambda (functions/consumer/example-handler.ts): a read-only SendMe balance
 * inquiry signed with the published token, invoked by hand. It shows the wiring any consumer needs:
 * `refresher.grantConsumer(fn)` (read the token and credentials, report a refused token) plus the
 * parameter name and the secret id in its environment.
 */
export class ExampleConsumer extends Construct {
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: ExampleConsumerProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Faspay example consumer: its log group and read access to the token and credentials',
    });
    logGroup.grantWrite(role);
    const secret = props.refresher.credentialsSecret;
    // A consumer calls SendMe too: from the refresher's egress, whose addresses Faspay whitelisted.
    const { placement, ...network } = networkOptions(this, props.refresher.placement ?? {}, role);
    if (placement !== undefined) acknowledgeNetworkInterfaceActions(role);
    this.function = new lambda.Function(this, 'Function', {
      ...LAMBDA_RUNTIME,
      // Prebuilt like the refresher (dist/assets/example-consumer), by the same build and settings.
      code: lambdaAssetCode('example-consumer'),
      memorySize: 256,
      timeout: Duration.seconds(30),
      role,
      logGroup,
      ...network,
      description: 'Example Faspay SendMe consumer: a balance inquiry signed with the published token',
      environment: {
        // The refresher's own variables, rendered by its declarations.
        ...renderRefresherEnvironment({
          faspayBaseUrl: new URL(props.faspayBaseUrl),
          tokenParameterName: props.refresher.parameterName,
          credentialsSecretId: credentialsSecretIdOf(secret),
          timeZone: props.timeZone,
        }),
        [POWERTOOLS_ENV.serviceName]: EXAMPLE_CONSUMER_SERVICE_NAME,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    // The token and credentials, and the report channel that lets a refused token heal.
    props.refresher.grantConsumer(this.function);
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x like the refresher: the bundle targets node22 and the tests run that build.',
    });
  }
}
