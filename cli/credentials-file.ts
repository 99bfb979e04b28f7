import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type FaspayCredentials, parseFaspayCredentialsJson } from '../functions/faspay/index.js';
import { CliSetupError } from './errors.js';

/** Larger than any credential set; a bigger file is the wrong file. */
const MAX_CREDENTIALS_FILE_BYTES = 64 * 1024;

/**
 * Reads a credentials file: the same JSON as the Secrets Manager secret. Errors name the file and
 * the keys at fault, never a value.
 */
export async function readCredentialsFile(path: string, cwd: string): Promise<FaspayCredentials> {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : 'unreadable';
    throw new CliSetupError('CREDENTIALS_FILE_UNREADABLE', `cannot read the credentials file ${absolute}: ${why}`);
  }
  if (text.length > MAX_CREDENTIALS_FILE_BYTES) {
    throw new CliSetupError(
      'CREDENTIALS_FILE_UNREADABLE',
      `the credentials file ${absolute} is larger than ${MAX_CREDENTIALS_FILE_BYTES} bytes: is it the right file?`,
    );
  }
  return parseFaspayCredentialsJson(text, `the credentials file ${absolute}`);
}
