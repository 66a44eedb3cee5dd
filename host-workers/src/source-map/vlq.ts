/**
 * Source map v3 `mappings`: lines separated by `;`, segments by `,`, each segment base64 VLQ
 * numbers relative to the one before (the generated column to the previous segment of its
 * line; source, original line and column to the previous segment of the whole map).
 */

/**
 * `[generated column]` (code mapped to nothing), `[generated column, source, line, column]` or
 * that and the index of the original name, all 0-based.
 */
export type Segment =
  | readonly [number]
  | readonly [number, number, number, number]
  | readonly [number, number, number, number, number];

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGITS = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index += 1) DIGITS[ALPHABET.charCodeAt(index)] = index;

/** Decodes every line's segments. */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  let name = 0;
  let column = 0;
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  const endSegment = () => {
    if (fields.length === 0) return;
    column += fields[0] as number;
    if (fields.length >= 4) {
      source += fields[1] as number;
      originalLine += fields[2] as number;
      originalColumn += fields[3] as number;
      if (fields.length >= 5) {
        name += fields[4] as number;
        line.push([column, source, originalLine, originalColumn, name]);
      } else line.push([column, source, originalLine, originalColumn]);
    } else line.push([column]);
    fields.length = 0;
  };
  for (let index = 0; index <= mappings.length; index += 1) {
    const code = index === mappings.length ? 59 : mappings.charCodeAt(index);
    if (code === 44 || code === 59) {
      // "," ends a segment, ";" also ends the line (and restarts its columns).
      if (shift !== 0) throw new Error("source map mappings end inside a number");
      endSegment();
      if (code === 59) {
        lines.push(line);
        line = [];
        column = 0;
      }
      continue;
    }
    const digit = code < 128 ? (DIGITS[code] as number) : -1;
    if (digit < 0) throw new Error(`source map mappings hold "${mappings[index]}" at ${index}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return lines;
}

function encodeNumber(number: number): string {
  let value = number < 0 ? -number * 2 + 1 : number * 2;
  let out = "";
  do {
    let digit = value % 32;
    value = Math.floor(value / 32);
    if (value > 0) digit += 32;
    out += ALPHABET[digit];
  } while (value > 0);
  return out;
}

/** The inverse of `decodeMappings`. */
export function encodeMappings(lines: readonly (readonly Segment[])[]): string {
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  let name = 0;
  return lines
    .map((line) => {
      let column = 0;
      return line
        .map((segment) => {
          let text = encodeNumber(segment[0] - column);
          column = segment[0];
          if (segment.length === 1) return text;
          text += encodeNumber(segment[1] - source) + encodeNumber(segment[2] - originalLine);
          text += encodeNumber(segment[3] - originalColumn);
          [, source, originalLine, originalColumn] = segment;
          if (segment.length === 5) {
            text += encodeNumber(segment[4] - name);
            name = segment[4];
          }
          return text;
        })
        .join(",");
    })
    .join(";");
}
