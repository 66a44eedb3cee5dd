// Each package is checked against its own tsconfig so that a portable package
// that reaches for node:* or cloudflare:* types fails here, not in production.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const projects = [
  "flow-ir",
  "kernel",
  "caps",
  "caps/kv",
  "caps/r2",
  "caps/queue",
  "caps/do",
  "host-workers",
  "host-container",
  "cli",
  "test/workers",
  "tsconfig.test.json",
];
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
let failed = 0;
for (const project of projects) {
  if (!existsSync(project)) continue;
  const result = spawnSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
  if (result.status !== 0) {
    failed += 1;
    console.error(`typecheck failed: ${project}`);
  }
}
if (failed > 0) process.exit(1);
console.log(`typecheck: ${projects.length} projects clean`);
