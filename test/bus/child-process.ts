import { bundleModuleForNode } from "@flows/host-container/bundle-module";

/** Bundles a test child (TypeScript, workspace imports) into one Node ESM file it can run. */
export async function bundleNodeScript(entry: string, outfile: string): Promise<void> {
  const built = await bundleModuleForNode(entry, outfile);
  if (!built.ok) throw new Error(`cannot bundle ${entry}: ${built.reason}`);
}
