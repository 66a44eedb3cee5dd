/** Thrown by `ctx.halt()` to unwind a node that waits for a person; never leaves the kernel. */
export class HaltSignal extends Error {
  readonly checkpoint: string;
  readonly details: unknown;
  constructor(checkpoint: string, details: unknown) {
    super(`halted at checkpoint "${checkpoint}"`);
    this.name = "HaltSignal";
    this.checkpoint = checkpoint;
    this.details = details;
  }
}

/** Thrown when a retry is due later than the host wants to wait in memory; never leaves the kernel. */
export class SuspendSignal extends Error {
  readonly wakeAt: number;
  constructor(wakeAt: number) {
    super(`suspended until ${wakeAt}`);
    this.name = "SuspendSignal";
    this.wakeAt = wakeAt;
  }
}
