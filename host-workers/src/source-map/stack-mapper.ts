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

/**
 * Maps the frames of a stack through a source map: `at run (worker.js:1:4821)` becomes
 * `at run (src/nodes.ts:12:7)`. Frames in other files, or at positions the map does not
 * know (code that is not the project's own), are left as they are. The map is decoded on the
 * first stack mapped and kept: an isolate that never sees a failure never reads it.
 */
export function createStackMapper(input: SourceMapInput): (stack: string) => string {
  let decoded: DecodedSourceMap | undefined;
  return (stack) => {
    decoded ??= decodeSourceMap(input);
    const map = decoded;
    const file = map.file === undefined ? undefined : baseName(map.file);
    return stack
      .split("\n")
      .map((line) => {
        const frame = FRAME.exec(line);
        if (frame === null) return line;
        const [, head, location, lineText, columnText, tail] = frame as unknown as readonly string[];
        if (file !== undefined && baseName(location as string) !== file) return line;
        const position = map.lookup(Number(lineText), Number(columnText));
        return position === undefined ? line : `${head}${position.source}:${position.line}:${position.column}${tail}`;
      })
      .join("\n");
  };
}
