import { build } from "esbuild";

/** Bundles a test child (TypeScript, workspace imports) into one Node ESM file it can run. */
export async function bundleNodeScript(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
}
