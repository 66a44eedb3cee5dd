import { resolve } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, bundleWorker, startMiniflare, waitFor, workerOptions } from "./support";

// examples/order-approval/worker.ts, the example flow as a Worker, in workerd.

const root = resolve(import.meta.dirname, "../..");
let mf: Miniflare;

beforeAll(async () => {
  const script = await bundleWorker(resolve(root, "examples/order-approval/worker.ts"));
  mf = startMiniflare(
    workerOptions(script, {
      kvNamespaces: ["SHIPMENTS"],
      queueProducers: { ORDERS: "orders", DEAD_ORDERS: "dead-orders" },
      queueConsumers: { orders: { maxBatchTimeout: 0.05, maxRetries: 10, retryDelay: 0 } },
    }),
  );
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
});

const order = (id: string, shipping: string, price: number) => ({
  order_id: id,
  customer: "ada@example.com",
  shipping,
  lines: [{ sku: "book", quantity: 2, unit_price: price }],
});

describe("the order-approval example Worker", () => {
  it("runs orders arriving on the queue the manifest's triggers name", async () => {
    const producer = await mf.getQueueProducer("ORDERS");
    await producer.send(order("Q-1", "standard", 5));
    const kv = await mf.getKVNamespace("SHIPMENTS");
    await waitFor(
      async () => ((await kv.get("ship:orders.approval/ship_standard/Q-1", "text")) === null ? undefined : true),
      "the queued order to ship",
    );
  });

  it("streams the receipt of a small order as Server-Sent Events", async () => {
    const response = await mf.dispatchFetch("http://example.test/flows/orders.approval/invoke", {
      method: "POST",
      body: JSON.stringify(order("W-1", "standard", 10)),
      headers: { ...auth, accept: "text/event-stream" },
    });
    const text = await response.text();
    expect(text).toContain('data: {"line":"order","order_id":"W-1","customer":"ada@example.com"}');
    expect(text).toContain('data: {"line":"shipped","carrier":"post","tracking":"ST-W-1"}');
    expect(text).toContain("event: end");
    const kv = await mf.getKVNamespace("SHIPMENTS");
    expect((await kv.list()).keys.map((key) => key.name)).toContain("ship:orders.approval/ship_standard/W-1");
  });

  it("halts a large order for approval and resumes it with the signed token", async () => {
    const halted = await mf.dispatchFetch("http://example.test/flows/orders.approval/invoke", {
      method: "POST",
      body: JSON.stringify(order("W-2", "express", 900)),
      headers: auth,
    });
    expect(halted.status).toBe(202);
    const record = (await halted.json()) as { run_id: string; resume_token: string; checkpoint: string };
    expect(record.checkpoint).toBe("manager_approval");
    const resumed = await mf.dispatchFetch(`http://example.test/runs/${record.run_id}/resume`, {
      method: "POST",
      body: JSON.stringify({ token: record.resume_token, payload: { approved: true, by: "lin" } }),
      headers: auth,
    });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ status: "completed" });
    const history = (await (
      await mf.dispatchFetch(`http://example.test/runs/${record.run_id}`, { headers: auth })
    ).json()) as {
      nodes: { alias: string; status: string }[];
    };
    expect(history.nodes.filter((entry) => entry.status === "completed").map((entry) => entry.alias)).toContain(
      "ship_express",
    );
  });
});
