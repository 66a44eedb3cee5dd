import { readSourceMap, type SourceMapInput, type SourceMapV3 } from "./source-map";
import { decodeMappings, encodeMappings, type Segment } from "./vlq";

/**
 * A source map cut down to what mapping a project's stacks needs: only the segments of the
 * sources `own` keeps (the project's files, renamed as `own` answers, e.g. relative to the
 * project), no source contents and no names. Where kept code is followed on its line by code
 * of other sources, a segment mapped to nothing marks it, so a frame in a runtime package is
 * never taken for the project's line before it.
 */
export function trimSourceMap(
  input: SourceMapInput,
  own: (source: string) => string | undefined,
  file?: string,
): SourceMapV3 {
  const map = readSourceMap(input);
  const renumbered = new Map<number, number>();
  const sources: string[] = [];
  map.sources.forEach((source, index) => {
    const name = source === null ? undefined : own(source);
    if (name === undefined) return;
    renumbered.set(index, sources.length);
    sources.push(name);
  });
  const lines = decodeMappings(map.mappings).map((segments) => {
    const kept: Segment[] = [];
    let inside = false;
    for (const segment of segments) {
      const index = segment.length === 4 ? renumbered.get(segment[1]) : undefined;
      if (index !== undefined && segment.length === 4) {
        kept.push([segment[0], index, segment[2], segment[3]]);
        inside = true;
      } else if (inside) {
        kept.push([segment[0]]);
        inside = false;
      }
    }
    return kept;
  });
  // Trailing lines without a segment carry nothing.
  while (lines.length > 0 && (lines[lines.length - 1] as Segment[]).length === 0) lines.pop();
  const name = file ?? map.file;
  return { version: 3, ...(name === undefined ? {} : { file: name }), sources, mappings: encodeMappings(lines) };
}
