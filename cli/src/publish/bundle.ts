import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { OUT } from "./names";
import { esbuildBinary, runTool, runtimeModules, type ToolCommand } from "./toolchain";

/** How each external command is shown before it runs (with --verbose: the exact line). */
export type CommandLog = (tool: ToolCommand) => void;

/**
 * esbuild flags for a Worker module: one minified ES module with its source map beside it
 * (uploaded with the Worker, so stack traces name our sources), `cloudflare:*` and `node:*`
 * left to workerd.
 */
const WORKER_FLAGS = [
  "--bundle",
  "--minify",
  "--sourcemap",
  "--format=esm",
  "--platform=neutral",
  "--target=es2023",
  "--main-fields=module,main",
  "--conditions=workerd,worker,browser",
  "--external:cloudflare:*",
  "--external:node:*",
  // Written after the bundle, from its source map: imported by the entry as a module of its own.
  `--external:./${OUT.ownSourceMap}`,
  // The flows' IR is embedded, built in Node: defined flows only hand over their nodes here.
  "--alias:@valibot/to-json-schema=@flows/define/no-json-schema",
  "--log-level=warning",
];

/** esbuild flags for the container's Node process: one ES module with a `require` for CommonJS dependencies. */
const NODE_FLAGS = [
  "--bundle",
  "--format=esm",
  "--platform=node",
  "--target=node20",
  "--log-level=warning",
  "--banner:js=import { createRequire as __flowsCreateRequire } from 'node:module'; const require = __flowsCreateRequire(import.meta.url);",
];

export class BuildError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes a generated entry into `outDir` and bundles it with esbuild's own executable, run in
 * `outDir`, so the command shown can be pasted to reproduce the bundle by hand. The runtime
 * packages resolve from the project's node_modules first, then from the CLI's (NODE_PATH).
 */
export async function writeAndBundle(
  outDir: string,
  entry: { readonly path: string; readonly source: string },
  outfile: string,
  target: "worker" | "node",
  log: CommandLog,
): Promise<void> {
  const entryFile = join(outDir, entry.path);
  mkdirSync(dirname(entryFile), { recursive: true });
  writeFileSync(entryFile, entry.source);
  const tool: ToolCommand = {
    command: esbuildBinary(),
    args: [entry.path, ...(target === "worker" ? WORKER_FLAGS : NODE_FLAGS), `--outfile=${outfile}`],
    cwd: outDir,
    env: { NODE_PATH: runtimeModules() },
  };
  log(tool);
  const result = await runTool(tool);
  if (result.status !== 0) {
    throw new BuildError("BUILD001", `esbuild could not bundle ${entry.path}:\n${result.output.trim()}`);
  }
}
