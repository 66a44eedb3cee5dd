import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, describe, expect, it } from "vitest";
import { workerdModuleOptions } from "../../cli/src/workers/bundle-worker";
import { auth, bundleFixture, startMiniflare, waitFor, workerOptions } from "./support";

// Exactly-once in workerd: an exactly_once node's writes through the do capability commit with
// their records in FlowStateObject's SQLite transaction. workerd is disposed while the node is
// between two writes; a new instance on the same storage finishes the run, executing the node
// again, and every write has happened once. A second run with the same key gets the first
// one's result from the do ledger without executing the node.

const persistRoot = mkdtempSync(join(tmpdir(), "flows-exactly-once-"));
afterAll(() => rmSync(persistRoot, { recursive: true, force: true }));

async function boot(script: string): Promise<Miniflare> {
  const mf = startMiniflare(
    workerOptions(script, {
      defaultPersistRoot: persistRoot,
      kvPersist: true,
      durableObjectsPersist: true,
      durableObjects: {
        ...workerdModuleOptions(script).durableObjects,
        FLOW_STATE: { className: "FlowStateObject", useSQLite: true },
      },
    }),
  );
  await mf.ready;
  return mf;
}

async function count(mf: Miniflare, prefix: string): Promise<number> {
  return (await (await mf.getKVNamespace("LEDGER")).list({ prefix })).keys.length;
}

const post = (mf: Miniflare, path: string, body: unknown) =>
  mf.dispatchFetch(`http://flows.test${path}`, { method: "POST", body: JSON.stringify(body), headers: auth });

describe("exactly-once in workerd", () => {
  it("a node interrupted between writes by disposing workerd makes each write once; a second run reuses the result", async () => {
    const script = await bundleFixture("payments-worker.ts");
    let mf = await boot(script);
    const orders = ["order-1", "order-2", "order-3"];
    try {
      for (const order of orders) {
        const started = await post(mf, "/flows/charge/runs", {
          order_id: order,
          account: "acct",
          amount: 10,
          pause_ms: 3_000,
        });
        expect(started.status).toBe(202);
        const { run_id: runId } = (await started.json()) as { run_id: string };
        // Interrupt after the first write, before the second.
        await waitFor(async () => ((await count(mf, `wrote:${order}:`)) > 0 ? true : undefined), "the first write");
        await mf.dispose();
        mf = await boot(script);
        const current = mf;
        await waitFor(
          async () => {
            const response = await current.dispatchFetch(`http://flows.test/runs/${runId}`, { headers: auth });
            const body = (await response.json()) as { status: string };
            return body.status === "completed" ? body : undefined;
          },
          "the interrupted run to be finished by the new instance",
          30_000,
        );
        // The node ran again after the interruption; its writes did not.
        expect(await count(mf, `exec:${order}:`)).toBe(2);
      }
      const again = await post(mf, "/flows/charge/invoke", {
        order_id: "order-1",
        account: "acct",
        amount: 10,
        pause_ms: 0,
      });
      expect(again.status).toBe(200);
      expect(await count(mf, "exec:order-1:")).toBe(2);

      const read = await post(mf, "/flows/balance/invoke", { account: "acct", orders });
      const body = (await read.json()) as { output?: unknown; result?: unknown };
      expect(JSON.stringify(body)).toContain('"balance":30');
      expect(JSON.stringify(body)).toContain('"numbers":[1,2,3]');
    } finally {
      await mf.dispose();
    }
  }, 120_000);
});
