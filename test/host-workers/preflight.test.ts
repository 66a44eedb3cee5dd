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
});
