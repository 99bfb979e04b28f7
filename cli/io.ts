import { setTimeout as delay } from 'node:timers/promises';

export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal: the watch countdown then rewrites one line instead of printing many. */
  readonly isTTY?: boolean;
}

/** Everything the CLI touches outside itself, so that tests can run it in-process. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative file paths (--credentials) are resolved against. */
  readonly cwd: string;
  readonly clock: () => Date;
  /** Waits `ms`, or less when `signal` aborts; never rejects. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Aborts when the operator asks to stop (Ctrl-C, SIGTERM). Only the long-running commands ask
   * for it, so that a one-shot command keeps Node's default "Ctrl-C ends the process".
   */
  readonly stopSignal: () => AbortSignal;
}

/** The real process: stdout/stderr, process.env, the wall clock and SIGINT/SIGTERM. */
export function processIo(): CliIo {
  let controller: AbortController | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    clock: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined),
    stopSignal: () => {
      if (controller !== undefined) return controller.signal;
      const created = new AbortController();
      controller = created;
      let firstAtMs = 0;
      const stop = (signal: NodeJS.Signals) => {
        if (!created.signal.aborted) {
          firstAtMs = Date.now();
          created.abort(signal);
          return;
        }
        // A second Ctrl-C means "now" (the usual 128 + signal number). One within a second is the
        // same Ctrl-C delivered twice: to the process group and again relayed by a wrapper (tsx, npm).
        if (Date.now() - firstAtMs >= 1000) process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return created.signal;
    },
  };
}
