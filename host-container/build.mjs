// Bundles the container runtime into one file for Node, so an image needs only `node` and this
// file (plus the app). esbuild stays external: it is loaded only to bundle a TypeScript app.

import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL(".", import.meta.url));
const outfile = join(root, "dist", "flows-container.mjs");

const result = await build({
  entryPoints: [join(root, "src/main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  write: false,
  external: ["esbuild", "opendal"],
  banner: {
    js: "import { createRequire as __flowsCreateRequire } from 'node:module'; const require = __flowsCreateRequire(import.meta.url);",
  },
});

// Tests may start the binary while another build runs: write beside, then rename into place.
mkdirSync(join(root, "dist"), { recursive: true });
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
