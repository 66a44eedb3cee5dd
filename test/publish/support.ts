import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");
export const flowsBin = join(repoRoot, "cli/bin/flows.mjs");
export const wranglerBin = join(repoRoot, "node_modules/wrangler/bin/wrangler.js");

/** Wrangler offline: no metrics, no fetch of the `cf` object. */
export const OFFLINE = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

export function buildCli(): void {
  const result = spawnSync(process.execPath, [join(repoRoot, "cli/build.mjs")], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`cli build failed: ${result.stderr}`);
}

export interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built `flows` binary, run in `cwd`. */
export function flows(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Result {
  const result = spawnSync(process.execPath, [flowsBin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...OFFLINE, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A port nothing listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A long-running child whose combined output is collected, so a test can wait for a line. */
export interface Running {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the output once `pattern` appears in it (rejects if the process exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** `env` is added to this process's environment, or with `inherit: false` is the whole of it. */
export function start(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  inherit = true,
): Running {
  const child = spawn(command, [...args], {
    cwd,
    env: inherit ? { ...process.env, ...OFFLINE, ...env } : env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stopping it also stops what it started (npx → wrangler → workerd).
    detached: true,
  });
  let output = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let exited = false;
  child.on("exit", () => {
    exited = true;
    for (const listener of listeners) listener();
  });
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolveWait, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        const check = () => {
          if (pattern.test(output)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolveWait(output);
          } else if (exited) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`process exited before ${pattern}; output:\n${output}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
    stop() {
      // The whole group, even when its leader has exited: what it started may still run.
      const signal = (name: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, name);
        } catch {
          // The group is gone already.
        }
      };
      return new Promise((resolveStop) => {
        signal("SIGTERM");
        if (exited || child.exitCode !== null) return resolveStop();
        child.once("exit", () => resolveStop());
        setTimeout(() => signal("SIGKILL"), 5_000).unref();
      });
    },
  };
}

/** wrangler.jsonc without its comment header. */
export function readJsonc(file: string): Record<string, unknown> {
  const text = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("//"))
    .join("\n");
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * `wrangler dev` serving the published project in `dist`, offline on free loopback ports, with
 * the host's two secrets given as vars; resolves once it is ready.
 */
export async function startWranglerDev(
  dist: string,
  options: { readonly persistTo: string; readonly token: string; readonly extra?: readonly string[] },
): Promise<{ readonly running: Running; readonly port: number }> {
  const port = await freePort();
  const args = ["dev", "--config", "wrangler.jsonc", ...(options.extra ?? []), "--ip", "127.0.0.1"];
  args.push("--port", String(port), "--inspector-port", String(await freePort()), "--persist-to", options.persistTo);
  args.push("--var", `FLOWS_API_TOKEN:${options.token}`, "--var", `FLOWS_RESUME_SECRET:${options.token}-resume`);
  const running = start(process.execPath, [wranglerBin, ...args], dist);
  await running.waitFor(/Ready on http/, 90_000);
  return { running, port };
}
