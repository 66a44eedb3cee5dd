import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, type Running, readJsonc, startWranglerDev } from "./support";

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
      "worker.js.map",
      "worker.map.txt",
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
    const served = await startWranglerDev(dist, {
      persistTo: join(scratch, "wrangler-state"),
      token: "t",
      extra: ["--enable-containers=false"],
    });
    running = served.running;
    const port = served.port;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const listed = await fetch(`http://127.0.0.1:${port}/flows`, { headers: { authorization: "Bearer t" } });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain("hello");
  }, 120_000);
});
