/** One request the container is working on. */
export interface Work {
  readonly signal: AbortSignal;
  /** True once the work was cut off by the grace deadline (or its client hanging up). */
  readonly interrupted: boolean;
  interrupt(reason: unknown): void;
  /** Stops the work for good (the run was cancelled): unlike an interruption, nothing is held back. */
  cancel(reason: unknown): void;
  /** Settles once the work is done. */
  readonly settled: Promise<void>;
  done(): void;
}

export interface Drain {
  readonly draining: boolean;
  /** A new piece of work, or undefined when the container no longer accepts any. */
  admit(): Work | undefined;
  /**
   * Stops admitting, waits for work in flight up to `graceMs`, then interrupts what is left and
   * waits (bounded by `settleMs`) for it to record what it completed.
   */
  drain(graceMs: number, settleMs: number): Promise<{ finished: number; interrupted: number }>;
}

export function createDrain(): Drain {
  const active = new Set<Work>();
  let draining = false;
  let idle: (() => void) | undefined;

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
  const allDone = () =>
    new Promise<void>((resolve) => {
      if (active.size === 0) resolve();
      else idle = resolve;
    });

  return {
    get draining() {
      return draining;
    },
    admit() {
      if (draining) return undefined;
      const controller = new AbortController();
      let interrupted = false;
      let settle: () => void = () => {};
      const settled = new Promise<void>((resolve) => {
        settle = resolve;
      });
      const work = {
        signal: controller.signal,
        settled,
        get interrupted() {
          return interrupted;
        },
        interrupt(reason: unknown) {
          interrupted = true;
          controller.abort(reason);
        },
        cancel(reason: unknown) {
          controller.abort(reason);
        },
        done() {
          active.delete(work);
          settle();
          if (active.size === 0) idle?.();
        },
      };
      active.add(work);
      return work;
    },
    async drain(graceMs, settleMs) {
      draining = true;
      const before = active.size;
      await Promise.race([allDone(), sleep(graceMs)]);
      const left = [...active];
      for (const work of left) {
        work.interrupt(
          Object.assign(new Error("the container is shutting down"), { code: "HOST503", retryable: true }),
        );
      }
      await Promise.race([Promise.all(left.map((work) => work.settled)), sleep(settleMs)]);
      return { finished: before - left.length, interrupted: left.length };
    },
  };
}
