import type { CliIo } from '../io.js';

/**
 * Output of the long-running `local` command: aligned human lines as each step happens, or one
 * JSON object per line (`{"event": ..., ...}`) with --json. On a terminal, `live()` keeps one line
 * updated in place (the watch countdown); elsewhere it prints nothing, so logs stay readable.
 */
export interface Reporter {
  readonly json: boolean;
  /** Human output on a terminal: `live()` shows; elsewhere every step is a plain line. */
  readonly interactive: boolean;
  /** A step that happened: `humanText` for people (already formatted lines), `data` for --json. */
  step(event: string, data: Record<string, unknown>, humanText: string): void;
  /** A line for people only (headings, hints). */
  note(text: string): void;
  /** The in-place status line (TTY only); cleared by the next step or note. */
  live(text: string): void;
}

export function createReporter(io: CliIo, json: boolean): Reporter {
  const tty = io.stdout.isTTY === true && !json;
  let liveShown = false;
  const clearLive = () => {
    if (liveShown) io.stdout.write('\r\x1b[2K');
    liveShown = false;
  };
  return {
    json,
    interactive: tty,
    step(event, data, humanText) {
      if (json) {
        io.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
        return;
      }
      clearLive();
      io.stdout.write(humanText);
    },
    note(text) {
      if (json) return;
      clearLive();
      io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    live(text) {
      if (!tty) return;
      io.stdout.write(`\r\x1b[2K${text}`);
      liveShown = true;
    },
  };
}
