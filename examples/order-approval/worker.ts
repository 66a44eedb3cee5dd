import { type KvApi, kvCapability } from "@flows/cap-kv";
import { cloudflareKvProvider } from "@flows/cap-kv/workers";
import { createCapabilityRegistry } from "@flows/caps";
import { createProjectWorker } from "@flows/host-workers";
import { orderApproval } from "./order-approval";

// The order-approval flow as a Worker: `export` these from your entry and bind FLOW_RUNS
// (SQLite Durable Object), SHIPMENTS (KV), FLOWS_API_TOKEN and FLOWS_RESUME_SECRET.

// Shipments go to KV through the kv capability the ship nodes declare (read and write), keyed
// by idempotency key so a repeated call returns the first result; the payment API the charge
// node calls is simulated per isolate.
const payments = new Map<string, Record<string, unknown>>();

const flow = orderApproval({
  async once(ctx, effect, key, perform) {
    // Only the ship nodes declare kv (read and write); the charge node sees no kv at all.
    const kv = (ctx.caps as { kv?: Pick<KvApi, "get" | "put"> }).kv;
    const id = `${effect}:${key}`;
    if (effect === "charge" || kv === undefined) {
      const known = payments.get(id) ?? perform();
      payments.set(id, known);
      return known;
    }
    const known = await kv.get<Record<string, unknown>>(id, "json");
    if (known !== null) return known;
    const result = perform();
    await kv.put(id, JSON.stringify(result));
    return result;
  },
});

// The whole project in one call: the capabilities it uses, served by the bindings the manifest names.
const app = createProjectWorker({
  flows: [flow],
  caps: createCapabilityRegistry([kvCapability], { providers: [cloudflareKvProvider] }),
  manifest: {
    capabilities: { kv: { provider: "cloudflare.kv", binding: "SHIPMENTS" } },
    // Orders can also arrive on a queue; those that keep failing end up in DEAD_ORDERS.
    triggers: {
      queues: {
        orders: { flow: "orders.approval", max_retries: 2, retry_delay_seconds: 0, dead_letter_queue: "DEAD_ORDERS" },
      },
    },
  },
});

export const FlowRunObject = app.FlowRunObject;
export default { fetch: app.fetch, queue: app.queue, scheduled: app.scheduled };
