import type { Shape } from "./shapes";

/** One way of running a shape: prepared once, then run as often as timed. */
export interface Runner {
  /** One run; throws when its result is not what the shape's trivial nodes produce. */
  run(): Promise<void>;
}

/**
 * What the heap measurement holds: runs of a 10-node chain, each parked at its sixth node on a
 * promise only `release` settles.
 */
export interface Parked {
  start(count: number): Promise<void>;
  release(): Promise<void>;
}

/** A candidate as its process sees it: the shapes it runs and the runs it parks. */
export interface Candidate {
  prepare(shape: Shape): Promise<Runner>;
  parked(): Promise<Parked>;
}
