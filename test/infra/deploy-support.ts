import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { type FunctionConfiguration, GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';

/** Runs a command to completion, collecting its output; rejects with the tail of it on failure. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; input?: string },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${(stdout + stderr).slice(-4000)}`));
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * GET an S3 object with a SigV4 signature (path-style, empty payload). The bootstrap bucket blocks
 * anonymous reads, and no S3 client is a dependency of this project.
 */
export async function getS3Object(
  endpoint: string,
  bucket: string,
  key: string,
  auth: { region: string; accessKeyId: string; secretAccessKey: string },
): Promise<Buffer> {
  const url = new URL(`/${bucket}/${key}`, endpoint);
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = createHash('sha256').update('').digest('hex');
  const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
  const signedHeaders = Object.keys(headers).sort().join(';');
  const canonicalRequest = [
    'GET',
    url.pathname,
    '',
    ...Object.keys(headers)
      .sort()
      .map((name) => `${name}:${headers[name]}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${auth.region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (k: string | Buffer, data: string): Buffer => createHmac('sha256', k).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${auth.secretAccessKey}`, day), auth.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  const response = await fetch(url, {
    headers: {
      ...headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${auth.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`GET s3://${bucket}/${key} answered HTTP ${response.status}: ${body.toString().slice(0, 300)}`);
  return body;
}

/** The files of a zip archive (stored or deflated entries, as CDK writes them), read in pure Node. */
export function unzip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip archive: no end-of-central-directory record');
  const entries = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < entries; i++) {
    if (archive.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry at ${offset}`);
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localOffset = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`zip entry ${name} uses unsupported method ${method}`);
    if (!name.endsWith('/')) files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

export function sha256Base64(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}

/** A function as deployed to moto: its configuration and its unzipped deployment package. */
export interface DeployedFunction {
  readonly configuration: FunctionConfiguration;
  readonly codeDir: string;
}

/**
 * Reads a deployed function back from moto: its configuration, and its code from the bootstrap
 * bucket (moto serves nothing at Code.Location; that URL's path is the asset's key in the bucket),
 * checked against CodeSha256 and unzipped into `intoDir`.
 */
export async function fetchDeployedFunction(
  moto: {
    readonly endpoint: string;
    readonly clientConfig: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  },
  functionName: string,
  intoDir: string,
): Promise<DeployedFunction> {
  const lambda = new LambdaClient(moto.clientConfig);
  const cfn = new CloudFormationClient(moto.clientConfig);
  const bootstrap = await cfn.send(new ListStackResourcesCommand({ StackName: 'CDKToolkit' }));
  const bucket = bootstrap.StackResourceSummaries?.find((r) => r.LogicalResourceId === 'StagingBucket')?.PhysicalResourceId;
  if (bucket === undefined) throw new Error('the CDKToolkit stack has no StagingBucket: bootstrap first');
  const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const fn = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
  const assetKey = new URL(fn.Code?.Location ?? '').pathname.slice(1);
  const zip = await getS3Object(moto.endpoint, bucket, assetKey, { region: moto.clientConfig.region, ...moto.clientConfig.credentials });
  if (sha256Base64(zip) !== configuration.CodeSha256)
    throw new Error(`the code of ${functionName} in the bucket does not match its CodeSha256`);
  const codeDir = join(intoDir, functionName);
  mkdirSync(codeDir, { recursive: true });
  for (const [name, data] of unzip(zip)) writeFileSync(join(codeDir, name), data);
  return { configuration, codeDir };
}
