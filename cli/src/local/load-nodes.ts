import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { bundleModuleForNode } from "@flows/host-container/bundle-module";
import type { NodeRegistry } from "@flows/kernel";
import { UsageError } from "../exit";
import { cliNodePaths } from "../flow-module/load";

export interface NodeModuleEnvironment {
  readonly stateDir: string;
}

/**
 * Loads a node implementation module (TypeScript or JavaScript). Its default export is a node
 * registry, or a function that receives the environment and returns one. TypeScript is bundled
 * with esbuild first so no loader is needed.
 */
export async function loadNodes(modulePath: string, environment: NodeModuleEnvironment): Promise<NodeRegistry> {
  const absolute = resolve(modulePath);
  const cacheDir = resolve(environment.stateDir, "cache");
  mkdirSync(cacheDir, { recursive: true });
  const outfile = resolve(cacheDir, `nodes-${createHash("sha256").update(absolute).digest("hex").slice(0, 16)}.mjs`);
  // Other processes may be importing the cached bundle right now: it is built under a name of
  // its own and renamed over the old one, so no reader ever sees a half-written file.
  const scratch = `${outfile}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const built = await bundleModuleForNode(absolute, scratch, { nodePaths: cliNodePaths() });
  if (!built.ok) {
    rmSync(scratch, { force: true });
    throw new UsageError("NODES001", `cannot build node module ${modulePath}: ${built.reason}`);
  }
  renameSync(scratch, outfile);
  let registry: unknown;
  try {
    // The query makes a rebuilt module load anew in a process that already imported it.
    const loaded = (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)) as { default?: unknown };
    const exported = loaded.default;
    registry =
      typeof exported === "function"
        ? await (exported as (env: NodeModuleEnvironment) => unknown)(environment)
        : exported;
  } catch (error) {
    // The module's own code failed as it loaded: the user's bug, not ours, so no stack trace.
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError("NODES003", `node module ${modulePath} failed while loading: ${reason}`);
  }
  if (registry === null || typeof registry !== "object") {
    throw new UsageError(
      "NODES002",
      `${modulePath} must export default a node registry ({ "identifier": (input, ctx) => output }) or a function returning one`,
    );
  }
  return registry as NodeRegistry;
}
