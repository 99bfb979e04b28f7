import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/*
 * The created secret's template, frozen. CloudFormation updates a resource only when its template
 * properties change, so while these two strings stay byte for byte the same, no deploy touches the
 * credentials an operator put in (test/infra/self-healing.test.ts pins them; docs/self-healing.md).
 * They are literals on purpose, not derived from CREDENTIAL_KEYS: a new credential key must not
 * reset every filled secret on the next deploy.
 */
const PLACEHOLDER_SECRET_VALUE =
  '{"faspay_key":"","faspay_secret":"","app_key":"","app_secret":"","client_key":"","client_secret":"","iv":""}';
const PLACEHOLDER_SECRET_DESCRIPTION =
  'Faspay SendMe credentials for the token refresher. Created with empty placeholders: fill it with ' +
  'aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string ' +
  `'{"faspay_key":"...","faspay_secret":"...","app_key":"...","app_secret":"...","client_key":"...","client_secret":"...","iv":"..."}' (see docs/deploy.md, step 3).`;

/** The credentials secret the refresher creates when none is given (construct id `CredentialsSecret`). */
export function createPlaceholderSecret(scope: Construct): secretsmanager.Secret {
  return new secretsmanager.Secret(scope, 'CredentialsSecret', {
    description: PLACEHOLDER_SECRET_DESCRIPTION,
    secretStringValue: SecretValue.unsafePlainText(PLACEHOLDER_SECRET_VALUE),
    // Credentials typed in by an operator must survive an accidental stack deletion.
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
