import { CapError } from "@flows/caps";
import type { Outcome } from "./stream-table";

/** The answer to a body chunk: more wanted, or the operation's result (it needs no more). */
export type ChunkAnswer = { readonly more: true } | { readonly more: false; readonly result: unknown };

interface Deferred {
  resolve(answer: ChunkAnswer): void;
  reject(error: unknown): void;
}

interface Arrived extends Deferred {
  /** Undefined for the end marker. */
  readonly data: Uint8Array | undefined;
}

/**
 * An upload body fed by numbered chunks from the container, read by the operation as a
 * ReadableStream. A chunk is answered when the operation has taken it (or has finished without
 * it), so the container's window of unanswered chunks bounds what the Worker buffers; the end
 * marker is answered with the operation's result.
 */
export function createInbound(options: { readonly window: number }) {
  const arrived = new Map<number, Arrived>();
  /** Taken chunks whose answer is the outcome (the end marker). */
  const awaitingOutcome: Deferred[] = [];
  let nextSeq = 0;
  let wake: (() => void) | undefined;
  let failure: unknown;
  let failed = false;
  let outcome: Outcome | undefined;
  /** The end marker was taken: the operation has every byte and depends on the sender no more. */
  let ended = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  const answer = (deferred: Deferred, settled: Outcome) => {
    if ("error" in settled) deferred.reject(settled.error);
    else deferred.resolve({ more: false, result: settled.result });
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(opened) {
        controller = opened;
      },
      async pull(into) {
        for (;;) {
          if (failed) return;
          const next = arrived.get(nextSeq);
          if (next !== undefined) {
            arrived.delete(nextSeq);
            nextSeq += 1;
            if (next.data === undefined) {
              ended = true;
              into.close();
              awaitingOutcome.push(next);
            } else {
              into.enqueue(next.data);
              next.resolve({ more: true });
            }
            return;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      },
    },
    // Nothing is pulled ahead: a chunk is answered only when the operation reads it.
    { highWaterMark: 0 },
  );

  return {
    evictable: false,
    stream,
    chunk(seq: number, data: Uint8Array | undefined): Promise<ChunkAnswer> {
      if (failed) return Promise.reject(failure);
      if (outcome !== undefined) {
        const settled = outcome;
        return new Promise((resolve, reject) => answer({ resolve, reject }, settled));
      }
      if (seq < nextSeq || seq >= nextSeq + options.window || arrived.has(seq)) {
        return Promise.reject(
          new CapError("CAP400", `body chunk ${seq} is outside the chunks expected (${nextSeq} onwards)`, { seq }),
        );
      }
      return new Promise((resolve, reject) => {
        arrived.set(seq, { data, resolve, reject });
        wake?.();
      });
    },
    /** The operation settled: every chunk still unanswered gets its outcome. */
    settle(settled: Outcome): void {
      outcome = settled;
      for (const pending of [...arrived.values(), ...awaitingOutcome.splice(0)]) answer(pending, settled);
      arrived.clear();
    },
    /** The sender cancelled, or the stream idled: the operation's read fails with `reason`. */
    close(reason: CapError): void {
      if (failed || ended || outcome !== undefined) return;
      failed = true;
      failure = reason;
      controller?.error(reason);
      for (const pending of [...arrived.values(), ...awaitingOutcome.splice(0)]) pending.reject(reason);
      arrived.clear();
      wake?.();
    },
  };
}

export type Inbound = ReturnType<typeof createInbound>;
