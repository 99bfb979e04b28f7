import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addRefresherStack } from './stack.js';

// Entry point of `cdk synth` / `cdk deploy` (cdk.json: "npx tsx infra/app.ts").
const app = new App();
addRefresherStack(app);
// cdk-nag 3 runs as a CDK policy-validation plugin (it replaced the v2 Aspect): any unacknowledged
// AwsSolutions finding fails the synth, and the report lands in cdk.out.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
