import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, flowsBin, type Running, start } from "./support";

// `flows dev` serves a `flows init` project in workerd: it prints the URL and a curl command per
// trigger that works as pasted, reloads when a file changes, keeps the last good build when the
// project breaks, and keeps KV and run state under .flows/dev across restarts.

const scratch = mkdtempSync(join(tmpdir(), "flows-dev-"));
const project = join(scratch, "hello");
let dev: Running | undefined;

beforeAll(() => {
  buildCli();
  const init = flows(["init", "hello"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
}, 60_000);
afterEach(async () => {
  await dev?.stop();
  dev = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function startDev(...extra: string[]): Promise<string> {
  dev = start(process.execPath, [flowsBin, "dev", "--port", "0", ...extra], project);
  // Ready, then the URL and one command per trigger, the health check last.
  const output = await dev.waitFor(/curl http:\S+\/health\n/);
  return (/ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) as RegExpExecArray)[1] as string;
}

async function invoke(url: string, name: string) {
  const response = await fetch(`${url}/flows/hello/invoke`, {
    method: "POST",
    headers: { authorization: "Bearer dev-token", "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  return { status: response.status, body: (await response.json()) as { output?: Record<string, unknown> } };
}

describe("flows dev", () => {
  it("serves the project, prints working curl commands, reloads on change", async () => {
    const url = await startDev();
    const first = await invoke(url, "Ada");
    expect(first).toMatchObject({ status: 200, body: { output: { greeting: "Hello, Ada!", visits: 1 } } });

    // The printed command for the trigger, run exactly as printed.
    const output = dev?.output() ?? "";
    const curl = output
      .split("\n")
      .find((line) => line.startsWith("curl -X POST") && line.includes("/flows/hello/invoke"));
    expect(curl).toBeDefined();
    const pasted = spawnSync("bash", ["-c", `${curl} -s`], { encoding: "utf8" });
    expect(JSON.parse(pasted.stdout)).toMatchObject({ status: "completed", output: { greeting: "Hello, world!" } });
    expect(output).toContain(`curl ${url}/health`);
    // One line per request, as wrangler dev prints them, uncoloured off a terminal.
    await dev?.waitFor(/POST \/flows\/hello\/invoke 200 OK \(\d+ms\)/);

    const flowFile = join(project, "hello.flow.ts");
    const good = readFileSync(flowFile, "utf8");
    writeFileSync(flowFile, good.replace("`Hello, ", "`Welcome, "));
    await dev?.waitFor(/reloaded after a change to hello\.flow\.ts/);
    const second = await invoke(url, "Ada");
    // New code, same KV: the visit count carries on.
    expect(second).toMatchObject({ status: 200, body: { output: { greeting: "Welcome, Ada!", visits: 2 } } });

    // A broken flow is reported at its TypeScript line and the last good build keeps serving.
    writeFileSync(flowFile, good.replace("idempotency:", 'effects: "pure",\n      idempotency:'));
    await dev?.waitFor(/hello\.flow\.ts:\d+:\d+ {2}EFFECT201/);
    await dev?.waitFor(/still serving the last good build/);
    expect((await invoke(url, "Ada")).status).toBe(200);
    writeFileSync(flowFile, good);
    await dev?.waitFor(/reloaded after a change to hello\.flow\.ts/);
  }, 120_000);

  it("keeps state under .flows/dev across restarts and stops on SIGTERM", async () => {
    const url = await startDev();
    const before = await invoke(url, "Lin");
    expect(before.body.output?.visits).toBe(1);
    const running = dev as Running;
    await running.stop();
    // workerd is shut down first; the exit status is the signal's, by convention (128 + 15).
    expect(running.child.exitCode).toBe(143);
    const again = await startDev();
    expect((await invoke(again, "Lin")).body.output?.visits).toBe(2);
  }, 120_000);

  it("does not reload on its own writes when --state lies inside the project", async () => {
    const url = await startDev("--state", "custom-state");
    expect((await invoke(url, "Lin")).status).toBe(200);
    // Let the watcher see the KV and run-state writes; a reload would rebuild, and rebuild again.
    await new Promise((settle) => setTimeout(settle, 1500));
    expect(dev?.output()).not.toContain("reloaded after a change");
  }, 60_000);

  it("refuses a port in use (PORT409, exit 2) before starting workerd", async () => {
    const taken = createServer();
    await new Promise<void>((listening) => taken.listen(0, "127.0.0.1", listening));
    try {
      const address = taken.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      const result = await new Promise<{ status: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [flowsBin, "dev", "--port", String(port)], { cwd: project });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.on("close", (status) => done({ status, stderr }));
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`PORT409: 127.0.0.1:${port} is in use: pick another with --port`);
      expect(result.stderr).not.toContain("starting workerd");
    } finally {
      await new Promise((closed) => taken.close(closed));
    }
  }, 60_000);

  it("refuses a broken project at start (exit 1) and a missing manifest (exit 2)", () => {
    const broken = join(scratch, "broken.config.json");
    writeFileSync(broken, JSON.stringify({ name: "broken", flows: ["missing.flow.json"], nodes: ["nodes.ts"] }));
    const result = flows(["dev", "--manifest", broken, "--port", "0"], scratch);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /broken\.config\.json:1:\d+ {2}MANIFEST003 {2}\/flows\/0: flow file "missing\.flow\.json" does not exist/,
    );
    const missing = flows(["dev", "--manifest", join(scratch, "nope.json")], scratch);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("MANIFEST404");
    const badHost = flows(["dev", "--host", "nope.invalid"], project);
    expect(badHost.status).toBe(2);
    expect(badHost.stderr).toContain(
      '--host must be an IP address (127.0.0.1, 0.0.0.0, ::1) or localhost, got "nope.invalid"',
    );
    const badState = flows(["dev", "--port", "0", "--state", "/proc/flows-dev-state"], project);
    expect(badState.status).toBe(2);
    expect(badState.stderr).toContain("STATE400: cannot create state directory /proc/flows-dev-state/dev");
    const help = flows(["dev", "--help"], scratch);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: flows dev");
  });
});
