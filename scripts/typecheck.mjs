// Each package is checked against its own tsconfig so that a portable package
// that reaches for node:* or cloudflare:* types fails here, not in production.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { buildInspector, GENERATED } from "./build-inspector.mjs";

const projects = [
  "flow-ir",
  "kernel",
  "caps",
  "caps/kv",
  "caps/r2",
  "caps/queue",
  "caps/do",
  // Runtime-specific entries of the capability packages: Node (OpenDAL) and Workers types.
  "caps/tsconfig.opendal.json",
  "caps/kv/tsconfig.opendal.json",
  "caps/kv/tsconfig.workers.json",
  "caps/r2/tsconfig.opendal.json",
  "caps/r2/tsconfig.workers.json",
  "caps/queue/tsconfig.opendal.json",
  "caps/queue/tsconfig.workers.json",
  "caps/do/tsconfig.opendal.json",
  "caps/do/tsconfig.workers.json",
  "define",
  "host-workers",
  // The inspector page: browser TypeScript with the DOM library, bundled into host-workers.
  "host-workers/page",
  "host-container",
  "cli",
  "test/workers",
  "test/host-workers/fixture",
  "examples/order-approval/tsconfig.worker.json",
  "examples/task-runner/tsconfig.worker.json",
  "bench/src/suites/host/tsconfig.json",
  "bench/src/suites/index/tsconfig.json",
  "tsconfig.test.json",
];
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
// host-workers imports the bundled page; a fresh clone has not built it yet.
if (!existsSync(GENERATED)) await buildInspector();
let failed = 0;
// A package whose issue has not landed yet has no sources; there is nothing to check.
const hasSources = (project) =>
  project.endsWith(".json") || readdirSync(project, { recursive: true }).some((f) => String(f).endsWith(".ts"));
let checked = 0;
for (const project of projects) {
  if (!existsSync(project) || !hasSources(project)) continue;
  checked += 1;
  const result = spawnSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
  if (result.status !== 0) {
    failed += 1;
    console.error(`typecheck failed: ${project}`);
  }
}
if (failed > 0) process.exit(1);
console.log(`typecheck: ${checked} projects clean`);
