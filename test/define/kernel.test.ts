import { doCapability } from "@flows/cap-do";
import { defineFlow, edge, use } from "@flows/define";
import { createKernel } from "@flows/kernel";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { testHost } from "../support/kernel-host";

const Order = v.pipe(
  v.object({
    order_id: v.string(),
    tier: v.picklist(["gold", "basic"]),
    lines: v.array(v.object({ sku: v.string(), qty: v.number() })),
    total: v.number(),
  }),
  v.title("Order"),
);

const counts = { flaky: 0 };

const tax = defineFlow({ id: "shop.tax" }, (f) => {
  const input = f.trigger("amount", { run: (payload) => payload as { total: number } });
  f.node("rate", { after: input, run: (x) => ({ tax: Math.round(x.total * 0.2) }) });
});

const shop = defineFlow(
  {
    id: "shop.orders",
    checkpoints: { review: { summary: "a person reviews", resume: v.object({ ok: v.boolean(), by: v.string() }) } },
  },
  (f) => {
    const order = f.trigger("order", { input: Order });
    const priced = f.node("priced", {
      after: order,
      timeout: 1000,
      run: (o) => ({ ...o, review: o.total > 100 }),
    });
    const needsReview = f.if("needs_review", priced, "/review");
    const review = f.node("review", {
      after: needsReview.then,
      kind: "activity",
      determinism: "nondeterministic",
      run: async (o, ctx) => {
        const decision = await ctx.halt(f.checkpoints.review, { order_id: o.order_id });
        return { ...o, reviewed_by: decision.ok ? decision.by : "nobody" };
      },
    });
    const accepted = f.node("accepted", {
      after: [needsReview.else, edge(review, { timeoutMs: 5000 })],
      run: (input) => {
        const o = input.review ?? input.priced;
        if (o === undefined) throw new Error("no order");
        return o;
      },
    });
    const lines = f.forEach("line", {
      source: accepted,
      items: "/lines",
      concurrency: 2,
      run: (line) => ({ sku: line.sku, cost: line.qty * 2 }),
    });
    const flaky = f.node("flaky", {
      after: lines,
      onError: { strategy: "retry", maxRetries: 3, backoffMs: 1, maxBackoffMs: 2 },
      run: (costs) => {
        counts.flaky += 1;
        if (counts.flaky === 1) throw Object.assign(new Error("try again"), { code: "FLAKY", retryable: true });
        return { cost: costs.reduce((sum, c) => sum + c.cost, 0) };
      },
    });
    const taxed = f.subflow("taxed", tax, { after: edge(accepted, { buffer: { maxItems: 4 } }) });
    const tier = f.switch("by_tier", accepted, "/tier");
    const gold = f.node("gold", {
      after: edge(tier.case("gold"), { delivery: "exactly_once" }),
      uses: [use(doCapability, "dedupe")],
      idempotency: { key: "order_id", ttlMs: 600_000 },
      rateLimit: { qps: 100, burst: 10 },
      run: (o) => ({ perk: `gold:${o.order_id}` }),
    });
    const basic = f.node("basic", { after: tier.otherwise(), run: () => ({ perk: "none" }) });
    f.node("receipt", {
      after: [flaky, taxed, gold, basic],
      run: async function* (input) {
        yield { line: "cost", cost: input.flaky?.cost };
        yield { line: "tax", taxed: input.taxed };
        yield { line: "perk", perk: input.gold?.perk ?? input.basic?.perk };
      },
    });
  },
);

function kernel() {
  const { host } = testHost();
  return createKernel({ flows: [shop], host });
}

const small = {
  order_id: "o-1",
  tier: "gold",
  lines: [
    { sku: "a", qty: 2 },
    { sku: "b", qty: 3 },
  ],
  total: 10,
};

describe("defined flows in the kernel", () => {
  it("runs routes, for_each, retries, subflows, exactly-once and streams with no registry", async () => {
    counts.flaky = 0;
    const outcome = await kernel().invoke({ flow: "shop.orders", payload: small });
    expect(outcome.status).toBe("completed");
    expect(outcome.status === "completed" && outcome.output).toEqual([
      { line: "cost", cost: 10 },
      { line: "tax", taxed: { tax: 2 } },
      { line: "perk", perk: "gold:o-1" },
    ]);
    expect(counts.flaky).toBe(2);
  });

  it("halts at a declared checkpoint and resumes with a checked, typed payload", async () => {
    const k = kernel();
    const halted = await k.invoke({ flow: "shop.orders", payload: { ...small, tier: "basic", total: 500 } });
    expect(halted).toMatchObject({ status: "halted", checkpoint: "review", node: "review" });
    if (halted.status !== "halted") return;
    const bad = await k.resume({ runId: halted.runId, checkpoint: "review", token: halted.token, payload: { ok: 1 } });
    expect(bad).toMatchObject({ status: "failed", error: { code: "HALT422" } });
    const again = await k.invoke({ flow: "shop.orders", payload: { ...small, tier: "basic", total: 500 } });
    if (again.status !== "halted") throw new Error("expected a halt");
    const done = await k.resume({
      runId: again.runId,
      checkpoint: "review",
      token: again.token,
      payload: { ok: true, by: "lin" },
    });
    expect(done.status).toBe("completed");
    expect(done.status === "completed" && (done.output as unknown[])[2]).toEqual({ line: "perk", perk: "none" });
  });

  it("refuses a payload the trigger's schema rejects with a code", async () => {
    const outcome = await kernel().invoke({ flow: "shop.orders", payload: { order_id: 3 } });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "INPUT400" } });
  });
});

describe("the emitted document", () => {
  it("validates with every capability's rules, with no diagnostic", async () => {
    const { validate } = await import("@flows/flow-ir");
    const { createCapabilityRegistry } = await import("@flows/caps");
    const { kvCapability } = await import("@flows/cap-kv");
    const registry = createCapabilityRegistry([kvCapability, doCapability]).hints;
    for (const flow of [shop, tax]) expect(validate(flow.toFlowIR(), { registry }).diagnostics).toEqual([]);
  });
});

describe("a defined node's context", () => {
  it("reads every part of the kernel's context, taken apart or not", async () => {
    const seen: unknown[] = [];
    const parts = defineFlow({ id: "define.parts" }, (f) => {
      f.trigger("go", {
        run: (payload, ctx) => {
          const { now, log, signal } = ctx;
          log({ level: "info", message: "defined" });
          seen.push(ctx.node, ctx.run.run_id, ctx.attempt, signal.aborted, typeof now(), typeof ctx.random());
          return payload;
        },
      });
    });
    const { host, logs } = testHost();
    const kernel = createKernel({ flows: [parts], host });
    expect(await kernel.invoke({ flow: "define.parts", payload: 5, runId: "d-1" })).toMatchObject({ output: 5 });
    expect(seen).toEqual(["go", "d-1", 1, false, "number", "number"]);
    expect(logs).toContainEqual(expect.objectContaining({ message: "defined", node: "go", run_id: "d-1" }));
  });
});
