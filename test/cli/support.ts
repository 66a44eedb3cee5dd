import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");
export const fixturesDir = resolve(import.meta.dirname, "fixtures");
export const referenceDir = resolve(repoRoot, "../shared/reference/flow-ir");

/** Bundles the CLI the way `npm run build` does; the tests then run the real binary. */
export function buildCli(): void {
  const result = spawnSync(process.execPath, [resolve(repoRoot, "cli/build.mjs")], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`cli build failed: ${result.stderr}`);
}

export interface FlowsResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node cli/bin/flows.mjs …` from the repository root, as CI would. */
export function flows(args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): FlowsResult {
  const result = spawnSync(process.execPath, [resolve(repoRoot, "cli/bin/flows.mjs"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    input: options.stdin ?? "",
    env: { ...process.env, ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** 1-based line and column of the first `needle` found after `after` in `text`. */
export function positionOf(text: string, needle: string, after = ""): { line: number; column: number } {
  const offset = text.indexOf(needle, after === "" ? 0 : text.indexOf(after));
  if (offset < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
