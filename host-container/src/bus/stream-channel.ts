import type { Readable, Writable } from "node:stream";
import { createLineReader, DEFAULT_MAX_FRAME_BYTES } from "@flows/caps/bus";
import { createLineWriter } from "./line-writer";

export interface LineChannel {
  send(line: string): void;
  close(): void;
}

/**
 * A bus channel over a pair of Node streams (stdio, a TCP or Unix socket): lines in through the
 * bounded reader, lines out through the batching writer. An oversized incoming line is
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
  const writer = createLineWriter(output);
  return {
    send: writer.send,
    close: () => {
      writer.flush();
      output.end();
    },
  };
}
