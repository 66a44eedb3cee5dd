import { DEFAULT_MAX_FRAME_BYTES } from "./frames";

export interface LineReaderOptions {
  readonly maxLineBytes?: number;
  onLine(line: string): void;
  /** A line longer than the cap was dropped; reading resumes at the next newline. */
  onOversize(droppedBytes: number): void;
}

const NEWLINE = 0x0a;
const CR = 13;
const OPEN_BRACE = 0x7b;
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

  const emitText = (line: string) => {
    const text = line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
    // A frame starts with "{": the regular expression runs only for odd lines.
    if (text.charCodeAt(0) === OPEN_BRACE || VISIBLE.test(text)) options.onLine(text);
  };
  const emit = (bytes: Uint8Array) => emitText(decoder.decode(bytes));
  /**
   * Lines lying whole inside one chunk, no longer than the cap together: decoded in one call
   * and split as text (a newline byte never sits inside a multi-byte UTF-8 sequence).
   */
  const emitWhole = (bytes: Uint8Array) => {
    const text = decoder.decode(bytes);
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      emitText(text.slice(start, end));
      start = end + 1;
    }
    emitText(text.slice(start));
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
      const first = chunk.indexOf(NEWLINE);
      if (first !== -1) {
        // The first line may finish one held from earlier chunks: it goes alone.
        finishLine(chunk.subarray(0, first));
        start = first + 1;
        const last = chunk.lastIndexOf(NEWLINE);
        if (last > first && last - start <= max) {
          emitWhole(chunk.subarray(start, last));
          start = last + 1;
        }
      }
      for (let index = chunk.indexOf(NEWLINE, start); index !== -1; index = chunk.indexOf(NEWLINE, start)) {
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
