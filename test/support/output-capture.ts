import { vi } from 'vitest';

/**
 * Captures every byte written to stdout and stderr (Powertools writes its JSON lines there) while
 * still letting the test assert on them. `stop()` restores the streams.
 */
export function captureOutput() {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(record as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(record as typeof process.stderr.write);
  return {
    text: () => chunks.join(''),
    /** Parsed JSON lines (log lines and EMF metric documents). */
    jsonLines: (): Record<string, unknown>[] =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** The forms a secret could leak in: as is, base64, URL-encoded. */
export function leakForms(secret: string): string[] {
  return [secret, Buffer.from(secret, 'utf8').toString('base64'), encodeURIComponent(secret)];
}

/** The secrets (and their encodings) that occur in `haystack`. */
export function findLeaks(haystack: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => secret.length >= 6).flatMap((secret) => leakForms(secret).filter((form) => haystack.includes(form)));
}
