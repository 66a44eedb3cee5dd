import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startContainerSupervisor } from "./container-supervisor";

// The engine's HTTP side as the Worker's `ctx.container` drives it, with a stand-in bundle: a
// tiny server that reports its environment and working directory.

const scratch = mkdtempSync(join(tmpdir(), "flows-engine-"));
const bundle = join(scratch, "index.mjs");
writeFileSync(
  bundle,
  `import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
writeFileSync("left-on-disk", "1");
createServer((request, response) => {
  response.end(JSON.stringify({ env: process.env, cwd: process.cwd() }));
}).listen(Number(process.env.PORT), process.env.FLOWS_LISTEN_HOST);
process.once("SIGTERM", () => process.exit(0));
`,
);
const ID = "a".repeat(64);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("flows dev's local container engine", () => {
  it("starts, reports exits as an engine does, signals, and answers only with the session's token", async () => {
    const notes: string[] = [];
    const engine = await startContainerSupervisor({
      bundle,
      disksDir: join(scratch, "disks"),
      note: (line) => notes.push(line),
      output: () => {},
    });
    engine.setWorkerUrl("http://127.0.0.1:9/");
    const call = (path: string, init: RequestInit = {}, token = engine.token) =>
      fetch(`${engine.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });
    try {
      const refused = await call(`/start/${ID}`, { method: "POST", body: "{}" }, "guess");
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ code: "ENGINE401", retryable: false });
      expect(((await (await call("/start/nope", { method: "POST" })).json()) as { code: string }).code).toBe(
        "ENGINE400",
      );

      process.env.FLOWS_ENGINE_TEST_LEAK = "the developer's own";
      const start = async () =>
        (await (
          await call(`/start/${ID}`, {
            method: "POST",
            body: JSON.stringify({
              name: "box",
              env: { GREETING: "hi", FLOWS_BUS_URL: "http://bus.flows.internal/bus" },
            }),
          })
        ).json()) as { port: number; generation: number };
      const first = await start();
      expect(first.generation).toBe(1);
      let seen: { env: Record<string, string>; cwd: string } | undefined;
      for (let attempt = 0; seen === undefined && attempt < 50; attempt += 1) {
        seen = await fetch(`http://127.0.0.1:${first.port}/`)
          .then((response) => response.json() as Promise<{ env: Record<string, string>; cwd: string }>)
          .catch(() => new Promise<undefined>((settle) => setTimeout(() => settle(undefined), 50)));
      }
      expect(seen?.env).toMatchObject({
        GREETING: "hi",
        PORT: String(first.port),
        FLOWS_LISTEN_HOST: "127.0.0.1",
        FLOWS_BUS_URL: `http://127.0.0.1:9/__flows/local-network/${engine.token}/${ID}/bus.flows.internal/bus`,
      });
      expect(seen?.env).not.toHaveProperty("FLOWS_ENGINE_TEST_LEAK");
      expect(seen?.cwd).toBe(join(scratch, "disks", ID));

      const waited = call(`/wait/${ID}?generation=1`);
      await call(`/signal/${ID}`, { method: "POST", body: JSON.stringify({ signo: 9 }) });
      expect(await (await waited).json()).toEqual({ code: 137 });
      expect(notes).toContain("container box exited with code 137");

      // The next start gets an empty disk, as a restarted container does.
      expect(existsSync(join(scratch, "disks", ID, "left-on-disk"))).toBe(true);
      writeFileSync(join(scratch, "disks", ID, "stale"), "from the first start");
      const second = await start();
      expect(second.generation).toBe(2);
      expect(existsSync(join(scratch, "disks", ID, "stale"))).toBe(false);
      // A wait on an earlier start has ended as far as the class is concerned.
      expect(await (await call(`/wait/${ID}?generation=1`)).json()).toEqual({ code: 0 });
    } finally {
      delete process.env.FLOWS_ENGINE_TEST_LEAK;
      await engine.close();
    }
    expect(notes.filter((line) => line.startsWith("container box started"))).toHaveLength(2);
  });
});
