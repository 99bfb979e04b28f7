import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { FASPAY_SANDBOX_BASE_URL } from '../../../functions/faspay/base-url.js';
import { DEFAULT_FASPAY_TIME_ZONE } from '../../../functions/faspay/timestamp.js';
import { ExampleConsumer } from '../../../infra/example-consumer.js';
import { addRefresherStack } from '../../../infra/stack.js';
import { FaspayTokenRefresher } from '../../../infra/token-refresher.js';
import { SECRET_NAME } from '../../support/refresher-harness.js';
import { cdkJsonContext } from '../synth.js';

/** Logical id prefixes of what the evaluation looks up in either template. */
export const IDS = {
  refresherRole: 'RefresherFunctionRole',
  refresherFunction: 'RefresherFunction',
  scheduleRole: 'RefresherScheduleRole',
  deadLetterQueue: 'RefresherDeadLetterQueue',
  rejectionRule: 'RefresherRejectionReportRule',
  consumerRole: 'ExampleConsumerFunctionRole',
  consumerFunction: 'ExampleConsumerFunction',
  credentialsSecret: 'RefresherCredentialsSecret',
  tokenKey: 'TokenKey',
} as const;

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/**
 * The deployable stack as `cdk synth -c deployExampleConsumer=true` builds it (the example consumer
 * holds `grantConsumer`: read the token and credentials, report a refused token).
 */
export function defaultStackTemplate(): Template {
  const app = new App({ context: { ...cdkJsonContext(), ...NO_BUNDLING, deployExampleConsumer: true } });
  return Template.fromStack(addRefresherStack(app));
}

/**
 * The construct with a customer-managed key for the token (its key policy is in the template) and an
 * imported credentials secret (by name, so its grants match the random suffix), plus the consumer.
 */
export function customerKeyImportedSecretTemplate(): Template {
  const app = new App({ context: { ...cdkJsonContext(), ...NO_BUNDLING } });
  const stack = new Stack(app, 'IamVariant');
  const refresher = new FaspayTokenRefresher(stack, 'Refresher', {
    tokenParameterKey: new kms.Key(stack, IDS.tokenKey, { enableKeyRotation: true }),
    credentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'ImportedSecret', SECRET_NAME),
  });
  new ExampleConsumer(stack, 'ExampleConsumer', {
    refresher,
    faspayBaseUrl: FASPAY_SANDBOX_BASE_URL,
    timeZone: DEFAULT_FASPAY_TIME_ZONE,
  });
  return Template.fromStack(stack);
}

/**
 * The deployable stack with `-c fixedEgress=true`: the refresher and the example consumer in the
 * VPC's private subnets behind the NAT, each with its own HTTPS-only security group.
 */
export function vpcStackTemplate(): Template {
  const app = new App({ context: { ...cdkJsonContext(), ...NO_BUNDLING, deployExampleConsumer: true, fixedEgress: true } });
  return Template.fromStack(addRefresherStack(app));
}
