import { type DecodedSourceMap, decodeSourceMap, type SourceMapInput } from "./source-map";

/**
 * One frame of a V8 stack: `    at fn (file:line:col)` or `    at file:line:col`, with the
 * location captured (file, line, column).
 */
const FRAME = /^(\s+at (?:.*? \()?)(.+?):(\d+):(\d+)(\)?)$/;

/** The last path segment of a frame's file (`file:///…/worker.js?x` → `worker.js`). */
function baseName(file: string): string {
  const path = file.replace(/[?#].*$/, "");
  return path.slice(path.lastIndexOf("/") + 1);
}

/** A frame's head with its function named `name`: `    at Object.t (` → `    at Object.nicknameOf (`. */
const NAMED = /^(\s+at (?:async |new )?)(?:.+ \($|$)/;

/**
 * Maps the frames of a stack through a source map: `at Ao (worker.js:1:4821)` becomes
 * `at nicknameOf (src/lookup.ts:7:57)`. A frame's function is named, as Node does, by the
 * identifier at its caller's call site when the bundler renamed it there. Frames in other
 * files, or at positions the map does not know (code that is not the project's own), are left
 * as they are. The map is decoded on the first stack mapped and kept: an isolate that never
 * sees a failure never reads it.
 */
export function createStackMapper(input: SourceMapInput): (stack: string) => string {
  let decoded: DecodedSourceMap | undefined;
  return (stack) => {
    decoded ??= decodeSourceMap(input);
    const map = decoded;
    const file = map.file === undefined ? undefined : baseName(map.file);
    const lines = stack.split("\n");
    const frames = lines.map((line) => {
      const frame = FRAME.exec(line);
      if (frame === null) return undefined;
      const [, head, location, lineText, columnText, tail] = frame as unknown as readonly string[];
      if (file !== undefined && baseName(location as string) !== file) return { frame: true as const };
      const position = map.lookup(Number(lineText), Number(columnText));
      return { frame: true as const, head: head as string, tail: tail as string, position };
    });
    return lines
      .map((line, index) => {
        const mapped = frames[index];
        if (mapped?.position === undefined) return line;
        const { head, tail, position } = mapped;
        let caller = index + 1;
        while (caller < frames.length && frames[caller] === undefined) caller += 1;
        const name = frames[caller]?.position?.name;
        const at = `${position.source}:${position.line}:${position.column}`;
        if (name === undefined) return `${head}${at}${tail}`;
        const prefix = (NAMED.exec(head) as RegExpExecArray)[1] as string;
        return `${prefix}${name} (${at})`;
      })
      .join("\n");
  };
}
