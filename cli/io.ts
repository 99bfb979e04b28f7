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

/**
 * The AWS SDK warns once per process, on Node.js below 22, that its later versions will need 22.
 * The deployed function runs on nodejs22.x; for an operator on Node 20 the seven lines only bury
 * the CLI's own output, so the real process turns them off (tests of the SDK keep them).
 */
/** Signals this soon after the first stop are the same Ctrl-C relayed, not a second one. */
const SAME_CTRL_C_WINDOW_MS = 3000;

const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * The real process: stdout/stderr, process.env, the wall clock and SIGINT/SIGTERM. A reader that
 * goes away (`npm start -- --json | head -1`) is not an error: further output to that stream is
 * dropped, a long-running command stops as on Ctrl-C, and the exit status stays the command's own.
 */
export function processIo(): CliIo {
  process.env[SDK_NODE_WARNING_SWITCH] ??= 'true';
  let controller: AbortController | undefined;
  let stdoutClosed = false;
  const stdout = quietOnClosedPipe(process.stdout, () => {
    stdoutClosed = true;
    controller?.abort('EPIPE');
  });
  const stderr = quietOnClosedPipe(process.stderr, () => undefined);
  return {
    stdout,
    stderr,
    env: process.env,
    cwd: process.cwd(),
    clock: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined),
    stopSignal: () => {
      if (controller !== undefined) return controller.signal;
      const created = new AbortController();
      controller = created;
      if (stdoutClosed) created.abort('EPIPE');
      let firstAtMs = 0;
      const stop = (signal: NodeJS.Signals) => {
        if (!created.signal.aborted) {
          firstAtMs = Date.now();
          created.abort(signal);
          return;
        }
        // A second Ctrl-C means "now" (the usual 128 + signal number). One soon after the first is the
        // same Ctrl-C delivered again: to the process group, then relayed by a wrapper (npm), which a
        // loaded machine can delay well past a second.
        if (Date.now() - firstAtMs >= SAME_CTRL_C_WINDOW_MS) process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return created.signal;
    },
  };
}

/** A stream whose closed reader (EPIPE) ends its output quietly instead of crashing the process. */
function quietOnClosedPipe(stream: NodeJS.WriteStream, onClosed: () => void): OutputStream {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (closed) return;
    closed = true;
    onClosed();
  });
  return {
    isTTY: stream.isTTY,
    write: (text: string) => (closed ? false : stream.write(text)),
  };
}
