import { DEFAULT_MAX_FRAME_BYTES } from "./frames";

export interface LineReaderOptions {
  readonly maxLineBytes?: number;
  onLine(line: string): void;
  /** A line longer than the cap was dropped; reading resumes at the next newline. */
  onOversize(droppedBytes: number): void;
}

const NEWLINE = 0x0a;
const CR = 13;
const VISIBLE = /\S/;

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line:
 * an oversized line is dropped as it streams in (memory stays bounded whatever its length),
 * reported once, and reading resynchronises at the next newline. Lines that lie whole inside
 * one chunk are decoded straight from it, with no copy.
 */
export function createLineReader(options: LineReaderOptions) {
  const max = options.maxLineBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const decoder = new TextDecoder();
  let parts: Uint8Array[] = [];
  let held = 0;
  let dropping = false;
  let dropped = 0;

  const emit = (bytes: Uint8Array) => {
    let text = decoder.decode(bytes);
    if (text.charCodeAt(text.length - 1) === CR) text = text.slice(0, -1);
    if (VISIBLE.test(text)) options.onLine(text);
  };

  const finishLine = (tail: Uint8Array) => {
    if (dropping) {
      options.onOversize(dropped + tail.length);
      dropping = false;
      dropped = 0;
      return;
    }
    if (held + tail.length > max) {
      options.onOversize(held + tail.length);
    } else if (held === 0) {
      emit(tail);
    } else {
      const bytes = new Uint8Array(held + tail.length);
      let offset = 0;
      for (const part of parts) {
        bytes.set(part, offset);
        offset += part.length;
      }
      bytes.set(tail, offset);
      emit(bytes);
    }
    parts = [];
    held = 0;
  };

  return {
    push(chunk: Uint8Array): void {
      let start = 0;
      for (let index = chunk.indexOf(NEWLINE); index !== -1; index = chunk.indexOf(NEWLINE, start)) {
        finishLine(chunk.subarray(start, index));
        start = index + 1;
      }
      const rest = chunk.subarray(start);
      if (rest.length === 0) return;
      if (dropping) {
        dropped += rest.length;
        return;
      }
      if (held + rest.length > max) {
        // Too long already: forget what we hold and skip to the next newline.
        dropping = true;
        dropped = held + rest.length;
        parts = [];
        held = 0;
        return;
      }
      parts.push(rest.slice());
      held += rest.length;
    },
    /** Bytes currently held for an unfinished line. */
    get buffered(): number {
      return held;
    },
  };
}
