// Bundles the CLI into one file so `flows` starts fast and runs without a TypeScript loader.

import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL(".", import.meta.url));

await build({
  entryPoints: [`${root}src/main.ts`],
  outfile: `${root}dist/flows.mjs`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  // Native and heavyweight packages stay external and load from node_modules at run time.
  external: ["opendal", "miniflare", "wrangler", "esbuild"],
  banner: {
    js: "import { createRequire as __flowsCreateRequire } from 'node:module'; const require = __flowsCreateRequire(import.meta.url);",
  },
});
