import type { Readable, Writable } from "node:stream";
import { createLineReader, DEFAULT_MAX_FRAME_BYTES } from "@flows/caps/bus";

export interface LineChannel {
  send(line: string): void;
  close(): void;
}

/**
 * A bus channel over a pair of Node streams (stdio, a TCP or Unix socket): lines in through the
 * bounded reader, lines out batched per tick: with many calls in flight one write carries every
 * line sent while handling the last read (and the promise continuations it set off), instead
 * of one syscall per line; a lone call is written as soon as the current callback and its
 * microtasks are done, without waiting for the event loop. An oversized incoming line is
 * reported, not buffered.
 */
export function openLineChannel(
  input: Readable,
  output: Writable,
  handlers: {
    onLine(line: string): void;
    onOversize?(droppedBytes: number): void;
    onClose?(): void;
  },
  maxLineBytes = DEFAULT_MAX_FRAME_BYTES,
): LineChannel {
  const reader = createLineReader({
    maxLineBytes,
    onLine: handlers.onLine,
    onOversize: (dropped) => handlers.onOversize?.(dropped),
  });
  input.on("data", (chunk: Buffer) => reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  input.on("end", () => handlers.onClose?.());
  let queued: string[] = [];
  let scheduled = false;
  const flush = () => {
    const lines = queued;
    queued = [];
    if (lines.length === 0 || output.destroyed || output.writableEnded) return;
    output.write(lines.length === 1 ? (lines[0] ?? "") : lines.join(""));
  };
  return {
    send: (line) => {
      // The bus client turns this into BUS503 for the call, at once rather than at its timeout.
      if (output.destroyed || output.writableEnded) throw new Error("the bus channel is closed");
      queued.push(line);
      if (scheduled) return;
      scheduled = true;
      process.nextTick(() => {
        scheduled = false;
        flush();
      });
    },
    close: () => {
      flush();
      output.end();
    },
  };
}
