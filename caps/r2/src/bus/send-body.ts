import type { BlobInput } from "../api";
import { memoryBytes } from "../body";
import type { R2Call } from "./caller";
import type { ChunkAnswer } from "./inbound";
import { encodeBytes } from "./wire";

/** The value in pieces of at most `size` bytes, read only as fast as they are sent. */
async function* pieces(value: BlobInput, size: number): AsyncGenerator<Uint8Array> {
  const bytes = memoryBytes(value);
  if (bytes !== undefined) {
    for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
    return;
  }
  const reader = (value as ReadableStream<Uint8Array>).getReader();
  let finished = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        finished = true;
        return;
      }
      for (let offset = 0; offset < next.value.byteLength; offset += size) {
        yield next.value.subarray(offset, offset + size);
      }
    }
  } finally {
    // Stopped early (the Worker needs no more, or a chunk failed): the source is not read on.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Streams an upload body to the Worker: `bodyOpen` starts the operation there, then chunks go
 * with at most `window` unanswered (each is answered when the operation took it), then the end
 * marker, whose answer is the operation's result. An operation that finishes early (a put whose
 * condition failed) answers `more: false` and the rest of the source is never read; a source
 * that fails cancels the Worker's side, so nothing half-written is stored.
 */
export async function sendBody(
  call: R2Call,
  open: Readonly<Record<string, unknown>>,
  value: BlobInput,
  limits: { readonly chunkBytes: number; readonly window: number },
): Promise<unknown> {
  const { stream } = await call<{ stream: string }>("bodyOpen", open);
  const unanswered = new Set<Promise<void>>();
  let done: { result: unknown } | undefined;
  let failure: { error: unknown } | undefined;
  let seq = 0;
  const send = (params: Record<string, unknown>) => {
    const answered: Promise<void> = call<ChunkAnswer>("bodyChunk", { stream, seq, ...params }).then(
      (answer) => {
        if (!answer.more) done ??= { result: answer.result };
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    seq += 1;
    unanswered.add(answered);
    void answered.finally(() => unanswered.delete(answered));
  };
  try {
    for await (const piece of pieces(value, limits.chunkBytes)) {
      while (unanswered.size >= limits.window && done === undefined && failure === undefined) {
        await Promise.race(unanswered);
      }
      if (done !== undefined || failure !== undefined) break;
      send({ data: encodeBytes(piece) });
    }
  } catch (sourceError) {
    await call("bodyCancel", { stream }).catch(() => {});
    await Promise.all(unanswered);
    throw sourceError;
  }
  if (done === undefined && failure === undefined) send({ end: true });
  await Promise.all(unanswered);
  if (failure !== undefined) throw failure.error;
  return done?.result;
}
