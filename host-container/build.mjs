// Bundles the container runtime into one file for Node, so an image needs only `node` and this
// file (plus the app). esbuild stays external: it is loaded only to bundle a TypeScript app.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { nodeBundleOptions, writeOutputs } from "../scripts/node-bundle.mjs";

const root = fileURLToPath(new URL(".", import.meta.url));
const outfile = join(root, "dist", "flows-container.mjs");

const result = await build({
  entryPoints: [join(root, "src/main.ts")],
  outfile,
  ...nodeBundleOptions,
  write: false,
  external: ["esbuild", "opendal"],
});

// Tests may start the binary while another build runs.
writeOutputs(result.outputFiles);
