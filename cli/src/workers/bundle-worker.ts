import { build } from "esbuild";

/**
 * Bundles a Worker entry the way workerd loads it: one ES module, `cloudflare:*` left to the
 * runtime, packages resolved with their worker/browser builds. Used by tests, benchmarks and
 * (later) `flows publish`.
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
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    logLevel: "warning",
  });
  return outfile;
}
