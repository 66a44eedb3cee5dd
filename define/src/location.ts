/** Where in the author's source a node, edge, surface or flow was declared. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

// A frame looks like "    at fn (file:///a/b.ts:10:5)" or "    at file:///a/b.ts:10:5".
const FRAME = /\(?((?:file:\/\/|\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?\s*$/;
// Frames of this package (its sources, or any bundle's mapped copy of them) are skipped.
const OWN = /[/\\]define[/\\](?:src|dist)[/\\]/;

function toPath(file: string): string {
  if (!file.startsWith("file://")) return file;
  try {
    return decodeURIComponent(file.slice("file://".length));
  } catch {
    return file;
  }
}

/**
 * The first stack frame outside this package: the line of the author's declaration. Source
 * maps (vitest, `node --enable-source-maps`, the CLI's bundles) make it the TypeScript line.
 * Hosts without stack frames (or without a file system) simply get no location.
 */
export function callerLocation(): SourceLocation | undefined {
  // V8's knob; other engines ignore it.
  const engine = Error as unknown as { stackTraceLimit: number };
  const limit = engine.stackTraceLimit;
  engine.stackTraceLimit = 30;
  const stack = new Error().stack ?? "";
  engine.stackTraceLimit = limit;
  for (const line of stack.split("\n").slice(1)) {
    if (OWN.test(line) || line.includes("node:internal") || line.includes("/node_modules/")) continue;
    const match = FRAME.exec(line);
    if (match === null) continue;
    return { file: toPath(match[1] as string), line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}
