import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, freePort, OFFLINE, repoRoot } from "./support";

// The README's walkthrough from `flows init` to a running local Worker, run as a new user
// would: its fenced blocks are read from README.md (so they cannot drift) and every command is
// executed as written, in one shell, from the repository root. Only the port 8787 is swapped
// for a free one.

const scratch = mkdtempSync(join(tmpdir(), "flows-readme-"));
let shell: ChildProcess | undefined;

/** The ```sh block following `<!-- walkthrough:<name> -->` in README.md. */
function block(name: string): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const match = new RegExp(`<!-- walkthrough:${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (match === null) throw new Error(`README.md has no walkthrough:${name} block`);
  return match[1] as string;
}

beforeAll(() => {
  buildCli();
}, 60_000);
afterEach(async () => {
  // The shell leads its own process group: stop it and flows dev with it, and wait for the end.
  const running = shell;
  shell = undefined;
  if (running?.pid === undefined || running.exitCode !== null || running.signalCode !== null) return;
  const ended = new Promise((resolve) => running.once("exit", resolve));
  process.kill(-running.pid, "SIGTERM");
  await ended;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("README walkthrough", () => {
  it("runs every command from flows init to a Worker answering curl", async () => {
    const port = String(await freePort());
    const setup = block("setup");
    const serve = block("serve").replaceAll("8787", port);
    const call = block("call").replaceAll("8787", port);
    expect(setup).toContain("flows init hello");
    expect(serve).toContain("flows dev");

    // -e: the walkthrough stops at the first command that fails, and so does the test.
    shell = spawn("bash", ["-e", "-c", `${setup}\n${serve}\n`], {
      cwd: repoRoot,
      env: { ...process.env, ...OFFLINE, TMPDIR: scratch },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    const exited = new Promise<number | null>((resolve) => shell?.on("exit", (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        if (/curl http:\S+\/health\n/.test(output)) resolve();
      };
      shell?.stdout?.on("data", seen);
      shell?.stderr?.on("data", seen);
      void exited.then((code) => reject(new Error(`the walkthrough stopped (exit ${code}):\n${output}`)));
    });
    await ready;
    // What the setup commands printed on the way.
    expect(output).toContain("flows init: created hello");
    expect(output).toContain("1 file valid");
    expect(output).toContain('{"name":"Ada","greeting":"Hello, Ada!","visits":1}');
    expect(output).toContain("flows publish: dry run passed: hello");
    expect(output).toContain(`flows dev: ready on http://127.0.0.1:${port}`);

    const answer = spawnSync("bash", ["-e", "-c", call], { encoding: "utf8" });
    expect(answer.status, answer.stderr).toBe(0);
    expect(JSON.parse(answer.stdout)).toMatchObject({
      status: "completed",
      output: { name: "Ada", greeting: "Hello, Ada!", visits: 1 },
    });
  }, 180_000);
});
