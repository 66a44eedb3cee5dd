import { CapError, toCapError } from "@flows/caps";
import type { HeldStream } from "./stream-table";

export interface OutboundChunk {
  readonly data: Uint8Array;
  /** True with the last bytes: the Worker has let go of the body. */
  readonly done: boolean;
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/**
 * An object body the container pulls in numbered reads. Every read but the last returns
 * exactly `chunkBytes`, so the container knows how many reads the body takes and never asks
 * past its end; reads that arrive early (up to `window` ahead) wait their turn, so the Worker
 * holds at most one source chunk beyond the bytes of the read it is serving.
 */
export function createOutbound(
  body: ReadableStream<Uint8Array>,
  length: number,
  options: { readonly chunkBytes: number; readonly window: number },
) {
  const reader = body.getReader();
  let served = 0;
  let leftover: Uint8Array | undefined;
  let nextSeq = 0;
  const waiting = new Map<number, () => void>();
  let failure: CapError | undefined;
  /** A read of `nextSeq` is being served. */
  let busy = false;

  const collect = async (): Promise<OutboundChunk> => {
    const want = Math.min(options.chunkBytes, length - served);
    const parts: Uint8Array[] = [];
    let size = 0;
    let ended = false;
    while (size < want) {
      let piece = leftover;
      leftover = undefined;
      if (piece === undefined) {
        const next = await reader.read();
        if (next.done) {
          ended = true;
          break;
        }
        piece = next.value;
      }
      const room = want - size;
      if (piece.byteLength > room) {
        leftover = piece.subarray(room);
        piece = piece.subarray(0, room);
      }
      parts.push(piece);
      size += piece.byteLength;
    }
    served += size;
    const done = ended || served >= length;
    if (done) void reader.cancel().catch(() => {});
    return { data: concat(parts, size), done };
  };

  const held = {
    evictable: true,
    async read(seq: number): Promise<OutboundChunk> {
      if (seq < nextSeq || seq >= nextSeq + options.window || waiting.has(seq) || (busy && seq === nextSeq)) {
        throw new CapError("CAP400", `body read ${seq} is outside the reads expected (${nextSeq} onwards)`, { seq });
      }
      if (seq !== nextSeq) await new Promise<void>((resolve) => waiting.set(seq, resolve));
      busy = true;
      try {
        if (failure !== undefined) throw failure;
        return await collect();
      } catch (error) {
        failure ??= toCapError(error, "r2.get");
        throw failure;
      } finally {
        busy = false;
        nextSeq += 1;
        const next = waiting.get(nextSeq);
        waiting.delete(nextSeq);
        next?.();
      }
    },
    close(reason: CapError): void {
      failure ??= reason;
      void reader.cancel(reason).catch(() => {});
      for (const wake of waiting.values()) wake();
      waiting.clear();
    },
  } satisfies HeldStream & { read(seq: number): Promise<OutboundChunk> };
  return held;
}

export type Outbound = ReturnType<typeof createOutbound>;
