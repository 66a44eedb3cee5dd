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
