// What every Node bundle of the repository (the CLI, the container runtime, the benchmarks) shares:
// ESM for Node 20 with a `require` for the CommonJS packages bundled inside, and outputs written
// beside their target and renamed into place, so a process starting the binary while a build
// runs never reads a half-written file.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const nodeBundleOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // The repository's own bundles are built from the workspace packages' sources.
  conditions: ["@flows/source"],
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __flowsCreateRequire } from 'node:module'; const require = __flowsCreateRequire(import.meta.url);",
  },
};

/** Writes esbuild's output files (from `write: false`) in the order given, each atomically. */
export function writeOutputs(files) {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}
