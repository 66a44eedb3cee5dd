import { DEFAULT_MAX_FRAME_BYTES } from "@flows/caps/bus";

/** How bodies cross the bus; both sides take the same options. */
export interface R2BusBodyOptions {
  /** Bytes per chunk frame (default 256 KiB; base64 makes a frame about 4/3 of it). */
  readonly chunkBytes?: number;
  /** Bodies up to this size travel inside the call's own frame (default 64 KiB). */
  readonly inlineBytes?: number;
  /** Chunks (or reads) in flight per body: the bound on what either side buffers (default 4). */
  readonly window?: number;
}

export const DEFAULT_CHUNK_BYTES = 256 * 1024;
export const DEFAULT_INLINE_BYTES = 64 * 1024;
export const DEFAULT_WINDOW = 4;
/** How far ahead of the next expected chunk the Worker accepts one; covers any sender's window. */
export const MAX_WINDOW = 32;

/** A chunk's frame: base64 grows 4/3, plus the JSON around it (a key and metadata, for inline bodies). */
const framed = (bytes: number) => Math.ceil(bytes / 3) * 4 + 4096;

export function bodyLimits(options: R2BusBodyOptions, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const inlineBytes = options.inlineBytes ?? DEFAULT_INLINE_BYTES;
  const window = options.window ?? DEFAULT_WINDOW;
  const wholeNumber = (value: number) => Number.isInteger(value) && value > 0;
  if (!wholeNumber(chunkBytes) || framed(chunkBytes) > maxFrameBytes) {
    throw new RangeError(`chunkBytes must be a whole number of bytes whose frame fits in ${maxFrameBytes} bytes`);
  }
  if (!Number.isInteger(inlineBytes) || inlineBytes < 0 || framed(inlineBytes) > maxFrameBytes) {
    throw new RangeError(`inlineBytes must be whole and its frame fit in ${maxFrameBytes} bytes`);
  }
  if (!wholeNumber(window) || window > MAX_WINDOW) throw new RangeError(`window must be 1 to ${MAX_WINDOW}`);
  return { chunkBytes, inlineBytes, window };
}
