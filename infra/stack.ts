import { type App, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DASHBOARD_URL_OUTPUT } from '../functions/contracts/stack-outputs.js';
import { ExampleConsumer } from './example-consumer.js';
import { readStackConfig, type StackConfig } from './stack-config.js';
import { createStackNetwork } from './stack-network.js';
import { FaspayTokenRefresher } from './token-refresher.js';

export interface FaspayTokenRefresherStackProps extends StackProps {
  readonly config: StackConfig;
}

/**
 * The deployable unit: one FaspayTokenRefresher configured from CDK context, and the outputs that
 * operators and the CLI read (their logical ids are stable and nothing is exported).
 */
export class FaspayTokenRefresherStack extends Stack {
  public readonly refresher: FaspayTokenRefresher;

  constructor(scope: Construct, id: string, props: FaspayTokenRefresherStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.refresher = new FaspayTokenRefresher(this, 'Refresher', {
      faspayBaseUrl: config.faspayBaseUrl,
      ...(config.credentialsSecretName === undefined
        ? {}
        : { credentialsSecret: secretsmanager.Secret.fromSecretNameV2(this, 'CredentialsSecret', config.credentialsSecretName) }),
      tokenParameterName: config.tokenParameterName,
      ...(config.kmsKeyArn === undefined ? {} : { tokenParameterKey: kms.Key.fromKeyArn(this, 'TokenParameterKey', config.kmsKeyArn) }),
      schedule: config.schedule,
      refreshBeforeExpiry: config.refreshBeforeExpiry,
      signedPath: config.signedPath,
      timeZone: config.timeZone,
      ...(config.alarmEmail === undefined ? {} : { alarmEmail: config.alarmEmail }),
      ...(config.reservedConcurrency === undefined ? {} : { reservedConcurrency: config.reservedConcurrency }),
      ...createStackNetwork(this, config.network),
      dashboard: config.dashboard,
    });

    const refresher = this.refresher;
    if (config.deployExampleConsumer) {
      const consumer = new ExampleConsumer(this, 'ExampleConsumer', {
        refresher,
        faspayBaseUrl: config.faspayBaseUrl,
        timeZone: config.timeZone,
      });
      this.output('ExampleConsumerFunctionName', consumer.function.functionName, 'Example consumer (balance inquiry); invoke with {}');
    }
    this.output('FunctionName', refresher.function.functionName, 'Name of the refresher function (invoke it with {"force": true})');
    this.output('FunctionArn', refresher.function.functionArn, 'ARN of the refresher function');
    this.output('TokenParameterName', refresher.parameterName, 'SSM SecureString holding the token JSON');
    this.output('TokenParameterArn', refresher.parameterArn, 'ARN of the token parameter');
    this.output('CredentialsSecretArn', refresher.credentialsSecret.secretArn, 'Secret holding the Faspay credentials JSON');
    this.output('AlarmTopicArn', refresher.alarmTopic.topicArn, 'SNS topic of the refresher alarms');
    if (refresher.dashboard !== undefined)
      this.output(DASHBOARD_URL_OUTPUT, refresher.dashboard.url, 'CloudWatch dashboard of the refresher');
  }

  private output(id: string, value: string, description: string): void {
    new CfnOutput(this, id, { value, description });
  }
}

/** Reads the configuration from the app's context and adds the stack (named by `stackName`). */
export function addRefresherStack(app: App): FaspayTokenRefresherStack {
  const config = readStackConfig(app.node);
  return new FaspayTokenRefresherStack(app, config.stackName, {
    config,
    description: 'Faspay SendMe token refresher: keeps a valid access token in SSM Parameter Store',
  });
}
