import { spawn, spawnSync } from "node:child_process";
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

/**
 * Runs the built CLI as a child process without blocking this one (a Worker served from this
 * process must go on answering it), with no FLOWS_URL / FLOWS_API_TOKEN of the caller's own, and
 * kills it after a minute. `onStdout` sees stdout as it grows.
 */
export function flowsChild(
  args: readonly string[],
  options: { env?: Record<string, string>; onStdout?: (sofar: string) => void } = {},
): Promise<FlowsResult> {
  const { FLOWS_URL: _url, FLOWS_API_TOKEN: _token, ...base } = process.env;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(repoRoot, "cli/bin/flows.mjs"), ...args], {
      env: { ...base, NO_COLOR: "1", FLOWS_PROGRESS: "", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", fail);
    child.on("close", (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

/** 1-based line and column of the first `needle` found after `after` in `text`. */
export function positionOf(text: string, needle: string, after = ""): { line: number; column: number } {
  const offset = text.indexOf(needle, after === "" ? 0 : text.indexOf(after));
  if (offset < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
