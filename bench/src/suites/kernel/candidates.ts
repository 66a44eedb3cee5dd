import type { Shape } from "./shapes";

/** One way of running a shape: prepared once, then run as often as timed. */
export interface Runner {
  run(): Promise<void>;
}

/**
 * What the heap measurement holds: `count` runs of a 10-node chain, each parked at its sixth
 * node on a promise only `release` settles.
 */
export interface Parked {
  start(count: number): Promise<void>;
  release(): Promise<void>;
}

export interface Candidate {
  prepare(shape: Shape): Promise<Runner>;
  parked(): Promise<Parked>;
}

/** Resolvers of the parked runs, and a wait until `count` of them are parked. */
export function gates() {
  let waiting: (() => void)[] = [];
  return {
    park<T>(value: T): Promise<T> {
      return new Promise<T>((resolve) => waiting.push(() => resolve(value)));
    },
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
