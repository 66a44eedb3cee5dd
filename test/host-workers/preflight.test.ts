import type { Miniflare } from "miniflare";
import { afterAll, describe, expect, it } from "vitest";
import { auth, bundleFixture, startMiniflare, workerOptions } from "./support";

// A Worker whose manifest binds a capability to a namespace that does not exist answers every
// request with the preflight finding, before any node runs.

let mf: Miniflare | undefined;
afterAll(async () => {
  await mf?.dispose();
});

describe("preflight in the Worker", () => {
  it("refuses with DAG203 when the manifest's binding is missing, and runs nothing", async () => {
    mf = startMiniflare(workerOptions(await bundleFixture("broken-worker.ts")));
    const response = await mf.dispatchFetch("http://flows.test/flows/slow/invoke", {
      method: "POST",
      body: JSON.stringify({ id: "p-1" }),
      headers: auth,
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as {
      code: string;
      error: string;
      details: { diagnostics: { code: string }[] };
    };
    expect(body.code).toBe("DAG203");
    expect(body.error).toContain("NO_SUCH_KV");
    expect(body.details.diagnostics.map((d) => d.code)).toEqual(["DAG203"]);
    const kv = await mf.getKVNamespace("LEDGER");
    expect((await kv.list()).keys).toEqual([]);
    // Health stays available for the platform's checks.
    expect((await mf.dispatchFetch("http://flows.test/health")).status).toBe(200);
  }, 60_000);

  it("refuses with CAP101 when createFlowWorker was given no provider for a capability a flow uses", async () => {
    await mf?.dispose();
    mf = startMiniflare(workerOptions(await bundleFixture("uncapped-worker.ts")));
    for (const route of ["/flows/counts/invoke", "/flows/counts/runs"]) {
      const response = await mf.dispatchFetch(`http://flows.test${route}`, {
        method: "POST",
        body: JSON.stringify({ id: "c-1" }),
        headers: auth,
      });
      const text = await response.text();
      expect(response.status, text).toBe(500);
      const body = JSON.parse(text) as { code: string; error: string; details: { diagnostics: unknown[] } };
      expect(body.code, text).toBe("CAP101");
      expect(body.error).toContain('node "count" (hint "resource::kv::write") needs the kv capability');
      expect(body.error).toContain("createCapabilityRegistry([kvCapability]");
    }
    // No node ran, not even the one before the kv write.
    const kv = await mf.getKVNamespace("LEDGER");
    expect((await kv.list()).keys).toEqual([]);
  }, 60_000);
});
