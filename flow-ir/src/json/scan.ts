import { encodePointer } from "./pointer";

/**
 * An iterative JSON scanner: it finds where each value starts (by JSON Pointer) and where
 * a syntax error is, without recursion, so hostile nesting depth cannot overflow the stack.
 */

export interface ScanResult {
  /** Offset of each requested pointer: the member's key for object members, else the value. */
  readonly offsets: Map<string, number>;
  readonly error?: { readonly offset: number; readonly message: string };
}

interface Frame {
  readonly kind: "object" | "array";
  readonly pointer: string;
  index: number;
  key: string | undefined;
  keyOffset: number;
  state: "start" | "key" | "colon" | "value" | "comma";
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function scanJson(text: string, wanted?: ReadonlySet<string>): ScanResult {
  const offsets = new Map<string, number>();
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  const fail = (offset: number, message: string): ScanResult => ({ offsets, error: { offset, message } });
  const record = (pointer: string, offset: number) => {
    if (wanted === undefined || wanted.has(pointer)) offsets.set(pointer, offset);
  };
  const skipWhitespace = () => {
    while (i < n && WHITESPACE.has(text.charCodeAt(i))) i += 1;
  };
  const describe = (offset: number) => (offset >= n ? "end of input" : `${JSON.stringify(text[offset])}`);

  // Returns the end offset of a string starting at `start`, or an error.
  const scanString = (start: number): number | { offset: number; message: string } => {
    let j = start + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x22) return j + 1;
      if (c === 0x5c) {
        const next = text[j + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
            return { offset: j, message: "invalid \\u escape in string" };
          }
          j += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) {
          return { offset: j, message: "invalid escape in string" };
        }
        j += 2;
        continue;
      }
      if (c < 0x20) return { offset: j, message: "control character in string (escape it)" };
      j += 1;
    }
    return { offset: start, message: "unterminated string" };
  };

  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

  // Scans a scalar or opens a container; returns an error or undefined.
  const beginValue = (pointer: string): { offset: number; message: string } | undefined => {
    skipWhitespace();
    record(pointer, i);
    const c = text[i];
    if (c === "{") {
      stack.push({ kind: "object", pointer, index: 0, key: undefined, keyOffset: i, state: "start" });
      i += 1;
      return undefined;
    }
    if (c === "[") {
      stack.push({ kind: "array", pointer, index: 0, key: undefined, keyOffset: i, state: "start" });
      i += 1;
      return undefined;
    }
    if (c === '"') {
      const end = scanString(i);
      if (typeof end !== "number") return end;
      i = end;
      return undefined;
    }
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (match !== null && match[0].length > 0) {
      i += match[0].length;
      return undefined;
    }
    return { offset: i, message: `unexpected ${describe(i)}, expected a value` };
  };

  const childPointer = (frame: Frame, segment: string | number) => `${frame.pointer}${encodePointer([segment])}`;

  const first = beginValue("");
  if (first) return fail(first.offset, first.message);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    skipWhitespace();
    const c = text[i];
    if (frame.kind === "array") {
      if (frame.state === "start" && c === "]") {
        stack.pop();
        i += 1;
        continue;
      }
      if (frame.state === "value") {
        if (c === ",") {
          i += 1;
          frame.index += 1;
          frame.state = "comma";
          continue;
        }
        if (c === "]") {
          stack.pop();
          i += 1;
          continue;
        }
        return fail(i, `unexpected ${describe(i)}, expected "," or "]"`);
      }
      frame.state = "value";
      const error = beginValue(childPointer(frame, frame.index));
      if (error) return fail(error.offset, error.message);
      continue;
    }
    // object
    if (frame.state === "start" || frame.state === "comma") {
      if (frame.state === "start" && c === "}") {
        stack.pop();
        i += 1;
        continue;
      }
      if (c !== '"') return fail(i, `unexpected ${describe(i)}, expected a property name in double quotes`);
      const end = scanString(i);
      if (typeof end !== "number") return fail(end.offset, end.message);
      frame.key = JSON.parse(text.slice(i, end)) as string;
      frame.keyOffset = i;
      i = end;
      frame.state = "key";
      continue;
    }
    if (frame.state === "key") {
      if (c !== ":") return fail(i, `unexpected ${describe(i)}, expected ":" after property name`);
      i += 1;
      frame.state = "value";
      const pointer = childPointer(frame, frame.key ?? "");
      const keyOffset = frame.keyOffset;
      const error = beginValue(pointer);
      if (error) return fail(error.offset, error.message);
      // Members are located by their key, which is where a reader looks first.
      if (wanted === undefined || wanted.has(pointer)) offsets.set(pointer, keyOffset);
      continue;
    }
    // state === "value"
    if (c === ",") {
      i += 1;
      frame.state = "comma";
      continue;
    }
    if (c === "}") {
      stack.pop();
      i += 1;
      continue;
    }
    return fail(i, `unexpected ${describe(i)}, expected "," or "}"`);
  }
  skipWhitespace();
  if (i < n) return fail(i, `unexpected ${describe(i)} after the end of the document`);
  return { offsets };
}
