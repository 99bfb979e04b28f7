import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DeployedFunction } from './deploy-support.js';
import { run } from './deploy-support.js';

export interface Invocation {
  readonly result?: Record<string, unknown>;
  readonly errorCode?: string;
  readonly output: string;
}

/**
 * Runs a deployed handler in a fresh Node process with only its deployed environment and `env`
 * (moto's endpoint and credentials), with a Lambda-like context whose deadline is the deployed timeout.
 */
export async function runDeployedHandler(deployed: DeployedFunction, event: unknown, env: Record<string, string>): Promise<Invocation> {
  const { configuration, codeDir } = deployed;
  const script = `
    import { randomUUID } from 'node:crypto';
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(codeDir, 'index.mjs')).href)});
    const deadline = Date.now() + Number(process.env.SMOKE_TIMEOUT_MS);
    const context = {
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
      invokedFunctionArn: process.env.SMOKE_FUNCTION_ARN, memoryLimitInMB: '256', awsRequestId: randomUUID(),
      logGroupName: 'smoke', logStreamName: 'smoke', callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    try { console.log('SMOKE_RESULT ' + JSON.stringify(await handler(JSON.parse(process.env.SMOKE_EVENT), context))); }
    catch (error) { console.log('SMOKE_ERROR ' + error.code); }`;
  const timeoutMs = (configuration.Timeout ?? 60) * 1000;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: codeDir,
    env: {
      PATH: process.env.PATH ?? '',
      ...configuration.Environment?.Variables,
      ...env,
      AWS_LAMBDA_FUNCTION_NAME: configuration.FunctionName ?? '',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(configuration.MemorySize),
      SMOKE_FUNCTION_ARN: configuration.FunctionArn ?? '',
      SMOKE_TIMEOUT_MS: String(timeoutMs),
      SMOKE_EVENT: JSON.stringify(event),
    },
    timeoutMs,
  });
  const result = /^SMOKE_RESULT (.*)$/m.exec(stdout)?.[1];
  const errorCode = /^SMOKE_ERROR (.*)$/m.exec(stdout)?.[1];
  return {
    ...(result === undefined ? {} : { result: JSON.parse(result) as Record<string, unknown> }),
    ...(errorCode === undefined ? {} : { errorCode }),
    output: stdout + stderr,
  };
}
