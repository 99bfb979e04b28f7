import { App } from 'aws-cdk-lib';
import { PaymentsStack } from '../lib/payments-stack.js';

const app = new App();
new PaymentsStack(app, 'Payments', {
  // Only for a local run against the SendMe simulator (`faspay-token simulator`); omit them to use Faspay.
  ...optionalContext(app, 'sandboxBaseUrl'),
  ...optionalContext(app, 'productionBaseUrl'),
});

function optionalContext(app: App, key: 'sandboxBaseUrl' | 'productionBaseUrl'): Partial<Record<typeof key, string>> {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? { [key]: value } : {};
}
