import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { trimSourceMap } from "@flows/host-workers/source-map";
import { OUT } from "./names";

/**
 * The project's own source files among a bundle's sources, named relative to the project
 * (`src/nodes.ts`); dependencies (anything under node_modules, the flows runtime found through
 * NODE_PATH) and the generated entry in the output directory are not the project's.
 */
export function projectSources(root: string, outDir: string): (source: string) => string | undefined {
  const outside = (path: string, dir: string) => {
    const from = relative(dir, path);
    return from === "" || from.startsWith("..") || isAbsolute(from);
  };
  return (source) => {
    const path = resolve(outDir, source.replace(/^file:\/\//, ""));
    if (outside(path, root) || !outside(path, outDir)) return undefined;
    const name = relative(root, path);
    if (name.split(sep).some((part) => part === "node_modules" || part === ".flows")) return undefined;
    return name.split(sep).join("/");
  };
}

/**
 * Writes the Worker's own source map beside its bundle: esbuild's map of `worker.js` trimmed to
 * the project's sources, without their contents, which the entry imports as a Text module (a
 * `.txt` file: wrangler's default rules attach it, Miniflare's rules are given it) and hands to
 * the host, so a node's bug is reported at `src/nodes.ts:12:7`. The full map stays beside it for
 * wrangler to upload (`upload_source_maps`). Returns the trimmed map's size in bytes.
 */
export function writeOwnSourceMap(root: string, outDir: string): number {
  const full = readFileSync(join(outDir, OUT.sourceMap), "utf8");
  const text = JSON.stringify(trimSourceMap(full, projectSources(root, outDir), OUT.bundle));
  writeFileSync(join(outDir, OUT.ownSourceMap), text);
  return Buffer.byteLength(text);
}
