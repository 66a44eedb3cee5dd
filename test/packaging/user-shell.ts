import { spawn } from "node:child_process";

/** Wrangler offline: no metrics, no fetch of the `cf` object. */
const OFFLINE = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

/**
 * A user's shell environment: this machine's, without anything that points into the repository
 * (no NODE_PATH, none of the npm_* variables `npm test` or `npm run` set for their own package).
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === "NODE_PATH" || key === "INIT_CWD" || key.toLowerCase().startsWith("npm_")) continue;
    env[key] = value;
  }
  return { ...env, ...OFFLINE, ...extra };
}

/**
 * Runs a command in that environment without blocking this process (a loopback registry it
 * talks to may live here); resolves with its output, rejects with it and the exit code.
 */
export function runAsUser(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, env: userEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`)),
    );
  });
}
