/**
 * Bundles a user module (nodes, an app) into one ESM file for Node, so TypeScript loads without
 * a loader. Workspace and npm packages are bundled too (ours ship TypeScript); native and
 * heavyweight ones load from node_modules at run time. esbuild is imported only when needed.
 * Answers the first lines of esbuild's complaint instead of throwing, so each caller words its
 * own coded error.
 */
export async function bundleModuleForNode(
  entry: string,
  outfile: string,
  options: {
    readonly sourcemap?: boolean;
    /** Where packages the module imports are looked for when its own folders lack them. */
    readonly nodePaths?: readonly string[];
  } = {},
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { build } = await import("esbuild");
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      external: ["opendal", "esbuild", "miniflare", "wrangler", "workerd"],
      logLevel: "silent",
      // With a source map, stack frames (and so declaration sites) name the TypeScript lines.
      ...(options.sourcemap === true ? { sourcemap: "inline" as const } : {}),
      ...(options.nodePaths === undefined ? {} : { nodePaths: [...options.nodePaths] }),
    });
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? error.message.split("\n").slice(0, 3).join(" ") : String(error),
    };
  }
}
