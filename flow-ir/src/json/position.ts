import { decodePointer, encodePointer } from "./pointer";
import { scanJson } from "./scan";

/** 1-based line and column, as editors and CI annotations count them. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i += 1) {
    if (text.charCodeAt(i) === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Maps JSON Pointers back to the source text; a pointer that does not exist maps to its nearest ancestor. */
export function createPositionLocator(text: string, pointers: Iterable<string>): (pointer: string) => SourcePosition {
  const wanted = new Set<string>();
  for (const pointer of pointers) {
    const segments = decodePointer(pointer) ?? [];
    for (let depth = segments.length; depth >= 0; depth -= 1) wanted.add(encodePointer(segments.slice(0, depth)));
  }
  const { offsets } = scanJson(text, wanted);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 0x0a) lineStarts.push(i + 1);
  const toPosition = (offset: number): SourcePosition => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
  };
  return (pointer) => {
    const segments = decodePointer(pointer) ?? [];
    for (let depth = segments.length; depth >= 0; depth -= 1) {
      const offset = offsets.get(encodePointer(segments.slice(0, depth)));
      if (offset !== undefined) return toPosition(offset);
    }
    return { line: 1, column: 1 };
  };
}
