import { vi } from 'vitest';
import type { CliIo } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { TOKEN_PATH } from '../../functions/faspay/index.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as one JSON object per line (the `local` and `simulator` --json output). */
  jsonLines(): Record<string, unknown>[];
  /** stdout parsed as one JSON document (the `status` and `refresh` --json output). */
  json(): Record<string, unknown>;
}

export interface TestIoOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: () => Date;
  readonly sleep?: CliIo['sleep'];
  readonly tty?: boolean;
  readonly cwd?: string;
  /** Aborted by the test to play the operator's Ctrl-C. */
  readonly stop?: AbortSignal;
  /** Told about every stdout write, as it happens (to react to a step). */
  readonly onStdout?: (text: string, soFar: string) => void;
  /** Run as the installed command of this name (`faspay-token`) instead of from a clone. */
  readonly installedAs?: string;
}

/** Everything every in-process run wrote, for the leak checks at the end of a file. */
export const allOutput: string[] = [];

/** Runs the CLI in-process with captured output. */
export async function runCli(argv: readonly string[], options: TestIoOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: {
      isTTY: options.tty ?? false,
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(text, stdout);
        return true;
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    clock: options.clock ?? (() => new Date()),
    sleep:
      options.sleep ??
      ((ms, signal) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        })),
    stopSignal: () => options.stop ?? new AbortController().signal,
  };
  const code = await main(argv, io, options.installedAs);
  allOutput.push(stdout, stderr);
  return {
    code,
    stdout,
    stderr,
    jsonLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    json: () => JSON.parse(stdout) as Record<string, unknown>,
  };
}

/**
 * Records every access token any simulator hands out in this process, by watching the answers to
 * token requests that go through fetch (the refresher's HTTP adapter uses the global fetch).
 */
export function recordIssuedTokens(): { tokens: string[]; restore(): void } {
  const tokens: string[] = [];
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (new URL(url).pathname === TOKEN_PATH) {
      const text = await response
        .clone()
        .text()
        .catch(() => '');
      const token = /"access_token":"([^"]+)"/.exec(text)?.[1];
      if (token !== undefined && token !== '') tokens.push(token);
    }
    return response;
  });
  return { tokens, restore: () => spy.mockRestore() };
}

/** A clock that only moves when the CLI sleeps: a watch over minutes runs in milliseconds. */
export function fakeTime(start = new Date('2026-11-25T01:00:00Z')) {
  let nowMs = start.getTime();
  return {
    clock: () => new Date(nowMs),
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) return;
      nowMs += ms;
      // Let sockets and timers of the real world move on between fake seconds.
      await new Promise((resolve) => setImmediate(resolve));
    },
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}
