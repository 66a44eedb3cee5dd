import { dirname } from "node:path";
import { build } from "esbuild";

/**
 * Bundles a Worker entry the way workerd loads it: one ES module, `cloudflare:*` left to the
 * runtime, packages resolved with their worker/browser builds. Used by tests and benchmarks;
 * `flows publish` runs the esbuild executable with the same settings (publish/bundle.ts), so
 * the command it prints can be pasted to rebuild by hand.
 */
export async function bundleWorkerModule(entryPoint: string, outfile: string, options: { minify?: boolean } = {}) {
  await build({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    minify: options.minify ?? false,
    format: "esm",
    platform: "neutral",
    target: "es2023",
    mainFields: ["module", "main"],
    // Tests and benchmarks bundle the workspace packages from their sources.
    conditions: ["@flows/source", "workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    logLevel: "warning",
  });
  return outfile;
}

/**
 * Miniflare options for a bundled Worker module with the run Durable Object bound as
 * FLOW_RUNS. Module names resolve from the bundle's own folder (often a temp directory).
 */
export function workerdModuleOptions(scriptPath: string) {
  return {
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: "2026-04-26",
    cf: false,
    durableObjects: { FLOW_RUNS: { className: "FlowRunObject", useSQLite: true } },
  } as const;
}
