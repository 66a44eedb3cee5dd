import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** The esbuild executable that ships with the CLI. */
export const esbuildBinary = () => join(dirname(require.resolve("esbuild")), "..", "bin", "esbuild");

/** Wrangler's entry script, run with the same Node as the CLI. */
export const wranglerScript = () => join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");

/**
 * wrangler's config schema, where the project's own wrangler keeps it (`flows init` projects
 * depend on wrangler), relative to `fromDir`: the published files name no machine's folders.
 */
export function wranglerSchemaPath(projectRoot: string, fromDir: string): string {
  return relative(fromDir, join(projectRoot, "node_modules", "wrangler", "config-schema.json"))
    .split(sep)
    .join("/");
}

/**
 * The node_modules folder that holds the flows runtime packages (`@flows/host-workers`, …).
 * A project outside this repository has no copy of its own, so bundling looks here after the
 * project's own node_modules (esbuild's NODE_PATH).
 */
export function runtimeModules(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "node_modules");
    if (existsSync(join(candidate, "@flows", "host-workers"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the @flows runtime packages next to the flows CLI");
    dir = parent;
  }
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
export const shellQuote = (arg: string) => (SAFE.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

export interface ToolCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Variables set for this command on top of the inherited environment (printed with it). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The command as one line a person can paste into a shell to run it again by hand. */
export function commandLine(tool: ToolCommand): string {
  const env = Object.entries(tool.env ?? {}).map(([key, value]) => `${key}=${shellQuote(value)}`);
  return `(cd ${shellQuote(tool.cwd)} && ${[...env, shellQuote(tool.command), ...tool.args.map(shellQuote)].join(" ")})`;
}

export interface ToolResult {
  readonly status: number;
  readonly output: string;
}

/** Runs an external tool, collecting its output; a tool that cannot start reports status 127. */
export function runTool(tool: ToolCommand): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(tool.command, [...tool.args], {
      cwd: tool.cwd,
      env: { ...process.env, ...tool.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", (error) => resolve({ status: 127, output: error.message }));
    child.on("close", (code) => resolve({ status: code ?? 1, output }));
  });
}
