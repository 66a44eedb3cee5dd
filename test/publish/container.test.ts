import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, freePort, type Running, readJsonc, start, wranglerBin } from "./support";

// A project with a container-placed node publishes a linux/amd64 Dockerfile, a container entry
// that really starts with Node and answers /ping and /node, and a wrangler.jsonc with the
// Container class, its Durable Object binding and SQLite migration. There is no Docker engine
// here, so the image itself is not built: the dry run checks a registry reference instead, and
// `wrangler dev` runs with --enable-containers=false.

const scratch = mkdtempSync(join(tmpdir(), "flows-publish-container-"));
const project = join(scratch, "shop");
const dist = join(project, "dist");
let running: Running | undefined;

beforeAll(() => {
  buildCli();
  const init = flows(["init", "shop"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  const file = join(project, "flows.config.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  manifest.container = { nodes: ["hello::greet"], sleep_after: "5m", max_instances: 2, instance_type: "basic" };
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}, 60_000);
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("publishing a project with a container", () => {
  it("emits the Dockerfile, the container entry and the container's wrangler config; the dry run passes", () => {
    const result = flows(["publish", "workers", "--dry-run", "--verbose"], project);
    expect(result.status, result.stderr).toBe(0);
    const { files, fingerprint } = JSON.parse(result.stdout) as { files: string[]; fingerprint: string };
    expect(files).toEqual([
      "src/entry.js",
      "worker.js",
      "container/entry.js",
      "container/index.mjs",
      "wrangler.jsonc",
      "Dockerfile",
      "flows.publish.json",
    ]);
    const dockerfile = readFileSync(join(dist, "Dockerfile"), "utf8");
    expect(dockerfile).toContain("FROM --platform=linux/amd64 node:20");
    expect(dockerfile).toContain(`org.opencontainers.image.version="${fingerprint}"`);
    expect(dockerfile).toContain("COPY container/index.mjs ./index.mjs");
    expect(dockerfile).toContain('CMD ["node", "index.mjs"]');

    expect(readJsonc(join(dist, "wrangler.jsonc"))).toMatchObject({
      durable_objects: {
        bindings: [
          { name: "FLOW_RUNS", class_name: "FlowRunObject" },
          { name: "FLOW_CONTAINER", class_name: "FlowContainer" },
        ],
      },
      migrations: [{ tag: "v1", new_sqlite_classes: ["FlowRunObject", "FlowContainer"] }],
      containers: [{ class_name: "FlowContainer", image: "./Dockerfile", max_instances: 2, instance_type: "basic" }],
    });
    // The dry run read the fingerprint-tagged registry reference, not the Dockerfile.
    expect(result.stderr).toContain("--dry-run: exiting now.");
    const entry = readFileSync(join(dist, "src/entry.js"), "utf8");
    expect(entry).toContain('export { ContainerProxy } from "@cloudflare/containers";');
    expect(entry).toContain("export const FlowContainer = app.FlowContainer;");
    expect(entry).toContain('"sleep_after": "5m"');
  }, 120_000);

  it("runs the container entry with Node: /ping answers, a container node runs, SIGTERM exits 0", async () => {
    const port = await freePort();
    running = start(process.execPath, [join(dist, "container/index.mjs")], dist, {
      PORT: String(port),
      FLOWS_LISTEN_HOST: "127.0.0.1",
    });
    await running.waitFor(/container ready/);
    const ping = await fetch(`http://127.0.0.1:${port}/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ ok: true });
    const node = await fetch(`http://127.0.0.1:${port}/node`, {
      method: "POST",
      headers: { "x-flows-meta": JSON.stringify({ run_id: "r-1", flow_id: "hello" }) },
      body: JSON.stringify({ flow: "hello", node: "greet", input: { name: "Ada" } }),
    });
    expect(await node.json()).toEqual({ output: { name: "Ada", greeting: "Hello, Ada!" } });
    const child = running.child;
    await running.stop();
    expect(child.exitCode).toBe(0);
  }, 60_000);

  it("the published Worker with its Container class loads in wrangler dev (containers disabled)", async () => {
    const port = await freePort();
    running = start(
      process.execPath,
      [
        wranglerBin,
        "dev",
        "--config",
        "wrangler.jsonc",
        "--enable-containers=false",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(await freePort()),
        "--persist-to",
        join(scratch, "wrangler-state"),
        "--var",
        "FLOWS_API_TOKEN:t",
        "--var",
        "FLOWS_RESUME_SECRET:s",
      ],
      dist,
    );
    await running.waitFor(/Ready on http/, 90_000);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const listed = await fetch(`http://127.0.0.1:${port}/flows`, { headers: { authorization: "Bearer t" } });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain("hello");
  }, 120_000);
});
