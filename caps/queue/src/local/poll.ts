import type { QueueTrigger } from "../consume";
import type { LocalQueue } from "./table-queue";

export interface PollOptions {
  readonly signal: AbortSignal;
  /** Pause when nothing was due; default 250 ms. */
  readonly intervalMs?: number;
  readonly batchSize?: number;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * The local queue's consumer loop (what `flows dev` and long local runs keep going): deliver
 * due messages through the trigger, batch after batch, pausing when none are due, until the
 * signal aborts. A failing batch is settled as failed and the loop goes on.
 */
export async function pollQueue(queue: LocalQueue, trigger: QueueTrigger, options: PollOptions): Promise<void> {
  const { signal, intervalMs = 250 } = options;
  while (!signal.aborted) {
    let handled = 0;
    try {
      const report = await queue.consumeOnce(
        trigger,
        options.batchSize === undefined ? {} : { batchSize: options.batchSize },
      );
      handled = report.acked.length + report.retried.length;
    } catch {
      handled = 0;
    }
    if (handled === 0) await pause(intervalMs, signal);
  }
}
