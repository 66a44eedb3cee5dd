// Bundles the CLI so `flows` runs without a TypeScript loader. The verbs that need native or
// heavy packages (run, resume, runs, inspect load OpenDAL and esbuild) are split into chunks
// loaded on first use, so `flows validate` in CI does not pay for them.

import { readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { nodeBundleOptions, writeOutputs } from "../scripts/node-bundle.mjs";

const root = fileURLToPath(new URL(".", import.meta.url));
const outdir = join(root, "dist");

const result = await build({
  entryPoints: [join(root, "src/main.ts")],
  outdir,
  entryNames: "flows",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  ...nodeBundleOptions,
  splitting: true,
  write: false,
  // Native and heavyweight packages stay external and load from node_modules at run time.
  external: ["opendal", "miniflare", "wrangler", "esbuild"],
});

// Test files build in parallel while others already run the binary: each output is written
// beside its target and renamed into place, chunks before the entry that imports them, so a
// reader never sees a half-written bundle.
const entry = join(outdir, "flows.mjs");
const ordered = [...result.outputFiles].sort(
  (a, b) => Number(a.path.startsWith(entry)) - Number(b.path.startsWith(entry)),
);
writeOutputs(ordered);

// Chunk names carry a content hash; drop the ones this build no longer produces.
const current = new Set(result.outputFiles.map((file) => relative(outdir, file.path)));
for (const name of readdirSync(join(outdir, "chunks"))) {
  const path = join("chunks", name);
  if (!current.has(path) && !name.endsWith(".tmp")) rmSync(join(outdir, path), { force: true });
}
