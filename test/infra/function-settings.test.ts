import { readFileSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { parseRefresherConfig, REFRESHER_SETTINGS } from '../../functions/contracts/settings.js';
import { FaspayTokenRefresher, type FaspayTokenRefresherProps } from '../../infra/token-refresher.js';
import { FUNCTION_SETTINGS } from '../../infra/token-refresher-props.js';
import { bareStack } from './synth.js';

const KEY_ARN = 'arn:aws:kms:ap-southeast-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function deployedEnvironment(props: (stack: ReturnType<typeof bareStack>) => FaspayTokenRefresherProps): Record<string, string> {
  const stack = bareStack();
  new FaspayTokenRefresher(stack, 'Refresher', props(stack));
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  return fn!.Properties.Environment.Variables as Record<string, string>;
}

describe('Function settings: one declaration for the construct and the function', () => {
  it('parses back, in the function, exactly what the construct was given (props -> env -> config)', () => {
    // GIVEN every prop that feeds a function setting, none at its default
    const env = deployedEnvironment((stack) => ({
      faspayBaseUrl: 'https://sendme.faspay.co.id/',
      credentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'faspay/sendme/prod'),
      tokenParameterName: '/faspay/prod/token',
      tokenParameterKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(10)),
      refreshBeforeExpiry: Duration.minutes(90),
      signedPath: '/account/api/transfer',
      timeZone: 'Asia/Makassar',
      httpTimeout: Duration.seconds(5),
      maxAttempts: 4,
      rejectionCooldown: Duration.minutes(5),
      rejectionCheckPath: 'off',
      advancedTier: true,
    }));
    // WHEN the function reads its environment
    const config = parseRefresherConfig(env);
    // THEN
    expect(config).toMatchObject({
      credentialsSecretId: 'faspay/sendme/prod',
      tokenParameterName: '/faspay/prod/token',
      kmsKeyId: KEY_ARN,
      refreshBeforeExpirySeconds: 5400,
      refreshLookaheadSeconds: 600,
      signedPath: '/account/api/transfer',
      timeZone: 'Asia/Makassar',
      httpTimeoutMs: 5000,
      maxAttempts: 4,
      rejectionCooldownSeconds: 300,
      rejectionCheckPath: false,
      advancedTier: true,
    });
    expect(config.faspayBaseUrl.href).toBe('https://sendme.faspay.co.id/');
  });

  it('deploys each declared setting under its own variable, with the declared default when no prop is given', () => {
    // GIVEN no props at all
    const env = deployedEnvironment((stack) => ({
      credentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'faspay/sendme/credentials'),
    }));
    // THEN every setting with a default is deployed with it
    for (const setting of Object.values(REFRESHER_SETTINGS)) {
      if ('default' in setting && setting.env !== REFRESHER_SETTINGS.refreshLookaheadSeconds.env) {
        expect(env[setting.env], setting.env).toBe(setting.render(setting.default as never));
      }
    }
    expect(env).not.toHaveProperty(REFRESHER_SETTINGS.kmsKeyId.env);
  });

  it('documents, on each prop, the default the declaration gives it', () => {
    // GIVEN the props file as users read it (JSDoc @default of each prop, a trailing "(...)" dropped)
    const source = readFileSync(new URL('../../infra/token-refresher-props.ts', import.meta.url), 'utf8');
    const documented = new Map<string, string>();
    for (const match of source.matchAll(/@default ([^\n]+)\n(?:\s*\*[^\n]*\n)*?\s*\*\/\s*readonly (\w+)\?/g)) {
      documented.set(match[2]!, match[1]!.replace(/\s+\(.*\)\s*$/, '').trim());
    }
    // THEN each setting's prop documents the default its entry renders from the declaration
    for (const [key, entry] of Object.entries(FUNCTION_SETTINGS)) {
      if ('from' in entry) {
        expect(documented.has(entry.from), `a documented prop ${entry.from} that ${key} is derived from`).toBe(true);
        continue;
      }
      const doc = documented.get(entry.prop);
      if (entry.documentedDefault === undefined) expect(doc, `${entry.prop} (${key}) has no default: "- what happens"`).toMatch(/^- /);
      else expect(doc, `@default of ${entry.prop} (${key})`).toBe(entry.documentedDefault);
    }
    expect(documented.size).toBeGreaterThan(10);
  });
});
