import { join } from "node:path";
import { build } from "esbuild";
import { CANDIDATES, type CandidateName } from "./protocol";

/**
 * Bundles each candidate's process on its own (bench/.out/kernel/<name>.mjs), so a process
 * loads only its candidate: the floor no kernel, ours and the floor no LangGraph.
 */
export async function buildCandidates(repoRoot: string): Promise<Record<CandidateName, string>> {
  const outdir = join(repoRoot, "bench/.out/kernel");
  const source = join(repoRoot, "bench/src/suites/kernel");
  await build({
    entryPoints: Object.fromEntries(CANDIDATES.map((name) => [name, join(source, `candidate-${name}.ts`)])),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
    // The kernel from its sources, as the other suites bundle it; LangGraph as published.
    conditions: ["@flows/source"],
    external: ["@langchain/*"],
  });
  return Object.fromEntries(CANDIDATES.map((name) => [name, join(outdir, `${name}.mjs`)])) as Record<
    CandidateName,
    string
  >;
}
