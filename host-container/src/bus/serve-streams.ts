import type { Readable, Writable } from "node:stream";
import { busError, DEFAULT_MAX_FRAME_BYTES, type LineDispatcher } from "@flows/caps/bus";
import { type LineChannel, openLineChannel } from "./stream-channel";

export interface ServeOptions {
  readonly maxLineBytes?: number;
  onOversize?(droppedBytes: number): void;
  /** Every answer line, as it is written (for logs and tests). */
  onAnswer?(line: string): void;
  onClose?(): void;
}

/**
 * The host end of a stream bus: each line from `input` goes to the dispatcher and its answer
 * to `output`; a line over the cap is answered with BUS413 (id null, since its id was never
 * read) and reading goes on at the next line.
 */
export function serveBusOnStreams(
  input: Readable | NodeJS.ReadableStream,
  output: Writable | NodeJS.WritableStream,
  dispatcher: LineDispatcher,
  options: ServeOptions = {},
): LineChannel {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const answer = (line: string) => {
    const writable = output as { destroyed?: boolean; writableEnded?: boolean };
    if (writable.destroyed === true || writable.writableEnded === true) return;
    options.onAnswer?.(line);
    channel.send(line);
  };
  const sendIfAny = (reply: string | undefined) => {
    if (reply !== undefined) answer(reply);
  };
  const channel = openLineChannel(
    input as Readable,
    output as Writable,
    {
      onLine: (line) => {
        const reply = dispatcher.respond(line);
        if (typeof reply === "string") answer(reply);
        else if (reply !== undefined) void reply.then(sendIfAny);
      },
      onOversize: (dropped) => {
        options.onOversize?.(dropped);
        const error = busError("BUS413", `a line of ${dropped} bytes exceeds the ${maxLineBytes}-byte limit; dropped`);
        answer(`${JSON.stringify({ id: null, error })}\n`);
      },
      ...(options.onClose === undefined ? {} : { onClose: options.onClose }),
    },
    maxLineBytes,
  );
  return channel;
}
