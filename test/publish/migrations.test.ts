import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, readJsonc } from "./support";

// Durable Object migrations as a deployed project grows: the first publish creates v1, a
// publish that adds the container and the do capability appends v2 with only those classes
// (v1 stays as Cloudflare applied it), and wrangler's dry run accepts both.

const scratch = mkdtempSync(join(tmpdir(), "flows-publish-migrations-"));
const project = join(scratch, "growing");
const manifestFile = join(project, "flows.config.json");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  buildCli();
  const init = flows(["init", "growing"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
}, 60_000);

const publish = (...args: string[]) => flows(["publish", "workers", ...args], project);
const migrations = () => readJsonc(join(project, "dist", "wrangler.jsonc")).migrations;
const history = () =>
  (JSON.parse(readFileSync(join(project, "flows.publish.json"), "utf8")) as { migrations: unknown }).migrations;

describe("Durable Object migrations across publishes", () => {
  it("keeps v1 and adds v2 with only the new classes; the dry run passes both times", () => {
    const first = publish("--dry-run");
    expect(first.status, first.stderr).toBe(0);
    expect(migrations()).toEqual([{ tag: "v1", new_sqlite_classes: ["FlowRunObject"] }]);
    expect(publish("--no-deploy").status).toBe(0);
    expect(history()).toEqual([{ tag: "v1", new_sqlite_classes: ["FlowRunObject"] }]);

    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { capabilities: Record<string, unknown> };
    manifest.capabilities.do = { provider: "memory", binding: "FLOW_STATE" };
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, container: { nodes: ["hello::greet"] } }, null, 2));
    const second = publish("--dry-run");
    expect(second.status, second.stderr).toBe(0);
    expect(migrations()).toEqual([
      { tag: "v1", new_sqlite_classes: ["FlowRunObject"] },
      { tag: "v2", new_sqlite_classes: ["FlowStateObject", "FlowContainer"] },
    ]);
    // A dry run records nothing; a publish that deploys (or writes for deploying) does.
    expect(history()).toHaveLength(1);
    expect(publish("--no-deploy").status).toBe(0);
    expect(history()).toHaveLength(2);
  }, 120_000);

  it("refuses a dropped class with MIGRATE409, writing nothing, and deletes it when asked", () => {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { capabilities: Record<string, unknown> };
    delete manifest.capabilities.do;
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const before = readFileSync(join(project, "dist", "wrangler.jsonc"), "utf8");
    const refused = publish("--dry-run");
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("flows publish: MIGRATE409: Durable Object class FlowStateObject was deployed");
    expect(refused.stderr).toContain("--delete-class FlowStateObject");
    expect(readFileSync(join(project, "dist", "wrangler.jsonc"), "utf8")).toBe(before);

    const deleted = publish("--dry-run", "--delete-class", "FlowStateObject");
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(migrations()).toEqual([
      { tag: "v1", new_sqlite_classes: ["FlowRunObject"] },
      { tag: "v2", new_sqlite_classes: ["FlowStateObject", "FlowContainer"] },
      { tag: "v3", deleted_classes: ["FlowStateObject"] },
    ]);
  }, 120_000);
});
