/** Time that passes only when the simulation says so: 30 days run in seconds, and replay exactly. */
export interface VirtualClock {
  now(): Date;
  nowMs(): number;
  /** Moves time forward (never backward). */
  advanceTo(ms: number): void;
  advanceBy(ms: number): void;
  /** An injectable `sleep` that lets the time pass instead of waiting for it. */
  sleep(ms: number): Promise<void>;
}

export function createVirtualClock(startMs: number): VirtualClock {
  let current = startMs;
  return {
    now: () => new Date(current),
    nowMs: () => current,
    advanceTo(ms) {
      current = Math.max(current, ms);
    },
    advanceBy(ms) {
      current += Math.max(0, ms);
    },
    async sleep(ms) {
      current += Math.max(0, ms);
    },
  };
}

/** Events due at given instants, taken out earliest first (ties in the order they were added). */
export interface Agenda<Event> {
  add(atMs: number, event: Event): void;
  next(): { atMs: number; event: Event } | undefined;
}

export function createAgenda<Event>(): Agenda<Event> {
  // A handful of pending events at any time (one per consumer plus the schedule): a sorted array
  // with insertion is simpler than a heap and just as fast here.
  const pending: { atMs: number; event: Event; order: number }[] = [];
  let order = 0;
  return {
    add(atMs, event) {
      const entry = { atMs, event, order: order++ };
      let index = pending.length;
      while (index > 0 && pending[index - 1]!.atMs > atMs) index--;
      pending.splice(index, 0, entry);
    },
    next() {
      const entry = pending.shift();
      return entry === undefined ? undefined : { atMs: entry.atMs, event: entry.event };
    },
  };
}
