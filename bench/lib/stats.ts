/** Summary statistics of a sample (milliseconds in, milliseconds out). */
export function summarize(samples: readonly number[]): { median: number; p90: number; min: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
  return { median: at(0.5), p90: at(0.9), min: sorted[0]!, n: sorted.length };
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
