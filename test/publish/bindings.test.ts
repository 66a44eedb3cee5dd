import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, flowsBin, type Running, readJsonc, start } from "./support";

// Every kind of binding, trigger and setting the manifest holds, as wrangler.jsonc declares it:
// KV, R2, queue producers (the capability's and the dead-letter queue) and consumers, the
// state Durable Object, routes, crons, vars and secrets. wrangler's dry run accepts it, and
// `flows dev` serves the same project with those bindings (a cron fires on request).

const scratch = mkdtempSync(join(tmpdir(), "flows-publish-bindings-"));
const project = join(scratch, "everything");
let dev: Running | undefined;

beforeAll(() => {
  buildCli();
  const init = flows(["init", "everything"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  const file = join(project, "flows.config.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  Object.assign(manifest, {
    compatibility_flags: ["nodejs_compat", "no_handle_cross_request_promise_resolution"],
    capabilities: {
      kv: { provider: "opendal.fs", binding: "HELLO_KV", namespace_id: "0123456789abcdef0123456789abcdef" },
      r2: { provider: "opendal.fs", binding: "UPLOADS", bucket_name: "everything-uploads" },
      queue: { provider: "memory", binding: "OUTBOX" },
      do: { provider: "memory", binding: "FLOW_STATE" },
    },
    secrets: ["PAYMENTS_KEY"],
    vars: { MODE: "test" },
    triggers: {
      routes: ["everything.example.com/*", { pattern: "api.example.com/flows/*", zone_name: "example.com" }],
      queues: { "order-events": { flow: "hello", max_retries: 2, dead_letter_queue: "DEAD_ORDERS" } },
      event_queues: ["settlements"],
      crons: { "*/5 * * * *": ["hello"] },
    },
  });
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}, 60_000);
afterEach(async () => {
  await dev?.stop();
  dev = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a manifest with every binding and trigger", () => {
  it("becomes a wrangler.jsonc that wrangler's dry run accepts", () => {
    const result = flows(["publish", "workers", "--dry-run", "--verbose"], project);
    expect(result.status, result.stderr).toBe(0);
    const config = readJsonc(join(project, "dist/wrangler.jsonc"));
    expect(config).toMatchObject({
      name: "everything",
      compatibility_flags: ["nodejs_compat", "no_handle_cross_request_promise_resolution"],
      routes: ["everything.example.com/*", { pattern: "api.example.com/flows/*", zone_name: "example.com" }],
      kv_namespaces: [{ binding: "HELLO_KV", id: "0123456789abcdef0123456789abcdef" }],
      r2_buckets: [{ binding: "UPLOADS", bucket_name: "everything-uploads" }],
      queues: {
        producers: [
          { binding: "OUTBOX", queue: "outbox" },
          { binding: "DEAD_ORDERS", queue: "dead-orders" },
        ],
        consumers: [{ queue: "order-events", max_retries: 3 }, { queue: "settlements" }],
      },
      durable_objects: {
        bindings: [
          { name: "FLOW_RUNS", class_name: "FlowRunObject" },
          { name: "FLOW_STATE", class_name: "FlowStateObject" },
        ],
      },
      migrations: [{ tag: "v1", new_sqlite_classes: ["FlowRunObject", "FlowStateObject"] }],
      triggers: { crons: ["*/5 * * * *"] },
      vars: { MODE: "test" },
      secrets: { required: ["FLOWS_API_TOKEN", "FLOWS_RESUME_SECRET", "PAYMENTS_KEY"] },
    });
    expect(readFileSync(join(project, "dist/src/entry.js"), "utf8")).toContain(
      'export { FlowStateObject } from "@flows/cap-do/durable-object";',
    );
    expect(result.stderr).toContain("env.UPLOADS (everything-uploads)");
  }, 120_000);

  it("is served by flows dev with the same bindings; the printed cron command fires the cron", async () => {
    dev = start(process.execPath, [flowsBin, "dev", "--port", "0"], project);
    // The URL, then one command per trigger, the health check last.
    const output = await dev.waitFor(/curl http:\S+\/health\n/);
    const url = (/ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) as RegExpExecArray)[1] as string;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const cron = `${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/5 * * * *")}`;
    expect(output).toContain(`curl '${cron}'`);
    expect((await fetch(cron)).status).toBe(200);
    expect(output).toContain('# queue "order-events" starts hello per message');
  }, 120_000);
});
