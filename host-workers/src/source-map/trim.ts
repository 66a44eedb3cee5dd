import { readSourceMap, type SourceMapInput, type SourceMapV3 } from "./source-map";
import { decodeMappings, encodeMappings, type Segment } from "./vlq";

/**
 * A source map cut down to what mapping a project's stacks needs: only the segments of the
 * sources `own` keeps (the project's files, renamed as `own` answers, e.g. relative to the
 * project), no source contents, and only the names those segments use. Where kept code is followed on its line by code
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
  const names: string[] = [];
  const nameIndex = new Map<number, number>();
  const keptName = (index: number): number | undefined => {
    const name = map.names?.[index];
    if (name === undefined) return undefined;
    let kept = nameIndex.get(index);
    if (kept === undefined) {
      kept = names.length;
      names.push(name);
      nameIndex.set(index, kept);
    }
    return kept;
  };
  const lines = decodeMappings(map.mappings).map((segments) => {
    const kept: Segment[] = [];
    let inside = false;
    for (const segment of segments) {
      const index = segment.length === 1 ? undefined : renumbered.get(segment[1]);
      if (index !== undefined && segment.length !== 1) {
        const name = segment.length === 5 ? keptName(segment[4]) : undefined;
        kept.push(
          name === undefined
            ? [segment[0], index, segment[2], segment[3]]
            : [segment[0], index, segment[2], segment[3], name],
        );
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
  return {
    version: 3,
    ...(name === undefined ? {} : { file: name }),
    sources,
    ...(names.length === 0 ? {} : { names }),
    mappings: encodeMappings(lines),
  };
}
