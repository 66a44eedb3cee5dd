import { decodeMappings, type Segment } from "./vlq";

/** The fields of a source map v3 that mapping a stack reads. */
export interface SourceMapV3 {
  readonly version: 3;
  /** The generated file's name (`worker.js`): only frames in a file of this name are mapped. */
  readonly file?: string;
  readonly sources: readonly (string | null)[];
  readonly mappings: string;
  readonly sourceRoot?: string;
  readonly names?: readonly string[];
  readonly sourcesContent?: readonly (string | null)[];
}

/** A source map as JSON text or parsed, or a function giving one when it is first needed. */
export type SourceMapInput = string | SourceMapV3 | (() => string | SourceMapV3);

/** A position in a source, 1-based line and column as stack traces print them. */
export interface SourcePosition {
  readonly source: string;
  readonly line: number;
  readonly column: number;
  /** The identifier written there, when the bundler renamed it (a call site names its callee). */
  readonly name?: string;
}

/** A decoded source map that answers where a generated position came from. */
export interface DecodedSourceMap {
  readonly file: string | undefined;
  /** The source position of a 1-based generated line and column, if the map knows it. */
  lookup(line: number, column: number): SourcePosition | undefined;
}

export function readSourceMap(input: SourceMapInput): SourceMapV3 {
  const given = typeof input === "function" ? input() : input;
  const map = (typeof given === "string" ? JSON.parse(given) : given) as Partial<SourceMapV3> | null;
  if (map === null || typeof map !== "object" || map.version !== 3 || typeof map.mappings !== "string") {
    throw new Error("not a version 3 source map");
  }
  if (!Array.isArray(map.sources)) throw new Error("a source map without sources");
  return map as SourceMapV3;
}

export function decodeSourceMap(input: SourceMapInput): DecodedSourceMap {
  const map = readSourceMap(input);
  const lines = decodeMappings(map.mappings);
  const root = map.sourceRoot === undefined || map.sourceRoot === "" ? "" : map.sourceRoot.replace(/\/?$/, "/");
  return {
    file: map.file,
    lookup(line, column) {
      const segments = lines[line - 1];
      if (segments === undefined) return undefined;
      const segment = lastAtOrBefore(segments, column - 1);
      if (segment === undefined || segment.length === 1) return undefined;
      const source = map.sources[segment[1]];
      if (source === undefined || source === null) return undefined;
      const position = { source: `${root}${source}`, line: segment[2] + 1, column: segment[3] + 1 };
      const name = segment.length === 5 ? map.names?.[segment[4]] : undefined;
      return name === undefined ? position : { ...position, name };
    },
  };
}

/** The segment covering `column` (0-based): the last one starting at or before it (segments are sorted). */
function lastAtOrBefore(segments: readonly Segment[], column: number): Segment | undefined {
  let low = 0;
  let high = segments.length - 1;
  let found: Segment | undefined;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const segment = segments[middle] as Segment;
    if (segment[0] <= column) {
      found = segment;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
