import { App, Errors, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../functions/shared/config-error.js';
import { addRefresherStack } from './stack.js';

// Entry point of `cdk synth` / `cdk deploy` (cdk.json: "npx tsx infra/app.ts").
const app = new App();
try {
  addRefresherStack(app);
} catch (error) {
  // A configuration mistake is the user's to fix: show the message (it names the key or prop and the
  // fix), not a stack trace. The stack's context reader throws ConfigError, the construct ValidationError.
  if (!(error instanceof ConfigError) && !Errors.isValidationError(error)) throw error;
  console.error(`\nConfiguration error: ${error.message}\n`);
  process.exit(1);
}
// cdk-nag 3 runs as a CDK policy-validation plugin (it replaced the v2 Aspect): any unacknowledged
// AwsSolutions finding fails the synth, and the report lands in cdk.out.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
