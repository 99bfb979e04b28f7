import { format } from 'node:util';
import { vi } from 'vitest';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Records what goes through the global console. Vitest intercepts `console.*` before it reaches
 * process.stdout, so a stream capture alone would miss a stray console.log; this closes that gap.
 */
export function captureConsole() {
  const lines: string[] = [];
  const spies = METHODS.map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    }),
  );
  return {
    text: () => lines.join('\n'),
    stop: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
