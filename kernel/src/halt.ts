import type { EventWait } from "./journal";

/** Thrown by `ctx.halt()` to unwind a node that waits for a person; never leaves the kernel. */
export class HaltSignal extends Error {
  readonly checkpoint: string;
  readonly details: unknown;
  /** When the halt expires, epoch ms. */
  readonly deadline: number | undefined;
  /** Set for an event wait. */
  readonly event: EventWait | undefined;
  constructor(checkpoint: string, details: unknown, deadline?: number, event?: EventWait) {
    super(`halted at checkpoint "${checkpoint}"`);
    this.name = "HaltSignal";
    this.checkpoint = checkpoint;
    this.details = details;
    this.deadline = deadline;
    this.event = event;
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
