/**
 * Shares one in-flight run of `task` among every caller that asks while it runs; the next caller
 * after it settles (fulfilled or rejected) starts a new one, so a failure is never cached here.
 * `detach()` makes the next caller start a new run even while one is in flight (after an
 * invalidation, callers must not be handed the result of a read that started before it).
 */
export interface SingleFlight<T> {
  run(): Promise<T>;
  detach(): void;
}

export function createSingleFlight<T>(task: () => Promise<T>): SingleFlight<T> {
  let current: Promise<T> | undefined;
  return {
    run() {
      if (current !== undefined) return current;
      const flight = task().finally(() => {
        if (current === flight) current = undefined;
      });
      current = flight;
      return flight;
    },
    detach() {
      current = undefined;
    },
  };
}
