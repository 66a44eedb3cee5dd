import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, type Running, readJsonc, startWranglerDev } from "./support";

// From nothing to a served Worker, the way a new user goes: flows init in a temp dir, the
// project validates and runs locally, publishes with a passing wrangler dry run, the published
// project is served by `wrangler dev` offline and answers a trigger with the flow's result, and
// publishing again gives the same bytes.

const scratch = mkdtempSync(join(tmpdir(), "flows-publish-"));
const project = join(scratch, "hello");
const dist = join(project, "dist");
let running: Running | undefined;
/** The fingerprint of the dry-run publish, which every later publish of the same input repeats. */
let dryRunFingerprint = "";

beforeAll(() => {
  buildCli();
  const init = flows(["init", "hello"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
}, 60_000);
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const published = (stdout: string) => JSON.parse(stdout) as { out: string; fingerprint: string; files: string[] };

describe("flows init → publish workers → wrangler dev", () => {
  it("creates a project that validates and runs out of the box", () => {
    const written = ["flows.config.json", "hello.flow.ts", "hello.flow.json", "nodes.ts", "package.json", "README.md"];
    for (const file of [...written, ".dev.vars"]) {
      expect(existsSync(join(project, file)), file).toBe(true);
    }
    const validate = flows(
      ["validate", "--manifest", "flows.config.json", "hello.flow.ts", "hello.flow.json"],
      project,
    );
    expect(validate.stdout).toContain("2 files valid");
    expect(validate.status).toBe(0);
    // The TypeScript flow runs on its own; the built Flow IR runs with the registry in nodes.ts.
    const runTs = flows(["run", "hello.flow.ts", "--input", '{"name":"Grace"}'], project);
    expect(runTs.status, runTs.stderr).toBe(0);
    expect(JSON.parse(runTs.stdout)).toEqual({ name: "Grace", greeting: "Hello, Grace!", visits: 1 });
    const build = flows(["build", "hello.flow.ts", "--check"], project);
    expect(build.stdout).toBe("1 file up to date\n");
    const run = flows(["run", "hello.flow.json", "--nodes", "nodes.ts", "--input", '{"name":"Ada"}'], project);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ name: "Ada", greeting: "Hello, Ada!", visits: 1 });
    // The first code a user reads does not pass a lost update off as a count.
    const flow = readFileSync(join(project, "hello.flow.ts"), "utf8");
    expect(flow).toContain("KV is eventually consistent and last-write-wins");
    expect(flow).toContain("`do` capability's\n        // `update`");
    // A second init over it would overwrite: refused, nothing changed.
    const again = flows(["init", "hello"], scratch);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("INIT409");
  });

  it("publishes with a passing wrangler dry run, step by step, secrets by name only", () => {
    const result = flows(["publish", "workers", "--dry-run", "--verbose"], project);
    expect(result.status, result.stderr).toBe(0);
    const { files, fingerprint } = published(result.stdout);
    expect(files).toEqual([
      "src/entry.js",
      "worker.js",
      "worker.js.map",
      "worker.map.txt",
      "wrangler.jsonc",
      "flows.publish.json",
    ]);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    dryRunFingerprint = fingerprint;
    // Progress on stderr, each external command exactly as run, then wrangler's verdict.
    expect(result.stderr).toContain("flows publish: checking flows.config.json");
    expect(result.stderr).toMatch(/\$ \(cd \S+dist && NODE_PATH=\S+ \S+esbuild src\/entry\.js --bundle /);
    expect(result.stderr).toMatch(/\$ \(cd \S+dist && \S+node \S+wrangler\.js deploy --dry-run --outdir /);
    expect(result.stderr).toContain("--dry-run: exiting now.");
    expect(result.stderr).toContain(`dry run passed: hello ${fingerprint.slice(0, 12)}`);

    const config = readJsonc(join(dist, "wrangler.jsonc"));
    expect(config).toMatchObject({
      $schema: expect.stringMatching(/^(\.\.\/)+.*node_modules\/wrangler\/config-schema\.json$/),
      name: "hello",
      main: "worker.js",
      no_bundle: true,
      upload_source_maps: true,
      observability: { enabled: true },
      compatibility_date: "2026-04-26",
      compatibility_flags: ["nodejs_compat"],
      kv_namespaces: [{ binding: "HELLO_KV" }],
      durable_objects: { bindings: [{ name: "FLOW_RUNS", class_name: "FlowRunObject" }] },
      migrations: [{ tag: "v1", new_sqlite_classes: ["FlowRunObject"] }],
      vars: { GREETING_STYLE: "friendly", FLOWS_VERSION: fingerprint },
      secrets: { required: ["FLOWS_API_TOKEN", "FLOWS_RESUME_SECRET"] },
    });
    // The local secrets of .dev.vars never reach the output.
    for (const file of files) expect(readFileSync(join(dist, file), "utf8")).not.toContain("dev-token");
    // Minified, its source map beside it, and no folder of the machine that built it.
    const bundle = readFileSync(join(dist, "worker.js"), "utf8");
    expect(bundle.split("\n").length).toBeLessThan(20);
    expect(bundle).toContain("//# sourceMappingURL=worker.js.map");
    for (const file of ["worker.js", "worker.js.map", "worker.map.txt", "wrangler.jsonc"]) {
      const text = readFileSync(join(dist, file), "utf8");
      expect(text, file).not.toContain(scratch);
      expect(text, file).not.toMatch(/"\/(?:work|tmp|home|root)\//);
    }
    const entry = readFileSync(join(dist, "src/entry.js"), "utf8");
    // The flows were validated here and are embedded as validated: the Worker does not carry
    // the validator (DAG200 is its cycle check's code).
    expect(entry).toContain('import { createProjectWorker } from "@flows/host-workers/published";');
    expect(bundle).not.toContain("DAG200");
    // Only the capability the flow uses, and no container support.
    expect(entry).toContain('import { kvCapability } from "@flows/cap-kv";');
    expect(entry).not.toMatch(/cap-r2|cap-queue|cap-do|containers/);
    expect(entry).toContain('import * as flowModule0 from "../../hello.flow.ts";');
    expect(entry).toContain('"identifier": "hello::count"');
    expect(entry).toContain('"provider": "cloudflare.kv"');
  }, 120_000);

  it("is served by wrangler dev offline and answers a trigger with the flow's result", async () => {
    const served = await startWranglerDev(dist, { persistTo: join(scratch, "wrangler-state"), token: "e2e-token" });
    running = served.running;
    const port = served.port;
    const response = await fetch(`http://127.0.0.1:${port}/flows/hello/invoke`, {
      method: "POST",
      headers: { authorization: "Bearer e2e-token", "content-type": "application/json" },
      body: JSON.stringify({ name: "Grace" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "completed",
      output: { name: "Grace", greeting: "Hello, Grace!", visits: 1 },
    });
    const unauthorised = await fetch(`http://127.0.0.1:${port}/flows/hello/invoke`, { method: "POST", body: "{}" });
    expect(unauthorised.status).toBe(401);
  }, 120_000);

  it("publishes byte-identical output a second time", () => {
    const first = flows(["publish", "workers", "--no-deploy"], project);
    expect(first.status, first.stderr).toBe(0);
    const files = published(first.stdout).files;
    const before = new Map(files.map((file) => [file, readFileSync(join(dist, file))]));
    const second = flows(["publish", "workers", "--no-deploy"], project);
    expect(second.status, second.stderr).toBe(0);
    expect(published(second.stdout)).toEqual(published(first.stdout));
    expect(published(first.stdout).fingerprint).toBe(dryRunFingerprint);
    for (const file of files)
      expect(readFileSync(join(dist, file)).equals(before.get(file) as Buffer), file).toBe(true);
  }, 120_000);
});
