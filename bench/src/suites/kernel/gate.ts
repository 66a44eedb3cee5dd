/**
 * Where the heap measurement parks runs: each parked node awaits a promise of the gate, and
 * the bench opens them all once the heap is weighed.
 */
export function createGate() {
  let waiting: (() => void)[] = [];
  return {
    park<T>(value: T): Promise<T> {
      return new Promise<T>((resolve) => waiting.push(() => resolve(value)));
    },
    /** Resolves once `count` runs wait, polled: the runs reach the gate at their own pace. */
    async parkedAt(count: number): Promise<void> {
      while (waiting.length < count) await new Promise((resolve) => setTimeout(resolve, 1));
    },
    openAll(): void {
      const all = waiting;
      waiting = [];
      for (const open of all) open();
    },
  };
}

/** `count` runs started by `start`, parked at the gate, and released together. */
export function parkWith(gate: ReturnType<typeof createGate>, start: () => Promise<unknown>) {
  const pending: Promise<unknown>[] = [];
  return {
    async start(count: number): Promise<void> {
      for (let index = 0; index < count; index += 1) pending.push(start());
      await gate.parkedAt(pending.length);
    },
    async release(): Promise<void> {
      gate.openAll();
      await Promise.all(pending.splice(0));
    },
  };
}
