import { describe, expect, it } from "vitest";
import { buildFlow } from "../../test/support/flow-builder";
import { testHost } from "../../test/support/kernel-host";
import { createKernel } from "./create-kernel";
import { createMemoryDedupe, type DedupeStore } from "./dedupe";
import { systemClock } from "./host";

const flow = buildFlow("pay", {
  nodes: { start: {}, charge: { key: "order", effects: "effectful", effectHints: ["resource::dedupe::write"] } },
  edges: [["start", "charge", { delivery: "exactly_once" }]],
});

describe("a key another run holds", () => {
  it("is waited for: the holder completes and the waiting run takes its result without executing", async () => {
    const dedupe = createMemoryDedupe(systemClock);
    let executions = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { host } = testHost();
    const kernel = createKernel({
      flows: [flow],
      dedupe,
      host,
      nodes: {
        "pay::start": (input) => input,
        "pay::charge": async (input) => {
          executions++;
          await gate;
          return { charged: (input as { order: string }).order, by: executions };
        },
      },
    });
    const first = kernel.invoke({ flow: "pay", payload: { order: "A-1" }, runId: "first" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = kernel.invoke({ flow: "pay", payload: { order: "A-1" }, runId: "second" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect(await first).toMatchObject({ status: "completed", output: { charged: "A-1", by: 1 } });
    expect(await second).toMatchObject({ status: "completed", output: { charged: "A-1", by: 1 } });
    expect(executions).toBe(1);
  });

  it("a run that met a held key is not failed for good: it finishes once the key is free", async () => {
    const inner = createMemoryDedupe(systemClock);
    // Another run holds the key for the first three looks, then completes it.
    let looks = 0;
    const dedupe: DedupeStore = {
      ...inner,
      async reserve(key, owner, leaseMs) {
        looks++;
        if (looks === 1) await inner.reserve(key, "other", leaseMs);
        if (looks === 4) await inner.complete(key, "other", { charged: "by other" }, 60_000);
        return inner.reserve(key, owner, leaseMs);
      },
    };
    const { host } = testHost();
    let executions = 0;
    const kernel = createKernel({
      flows: [flow],
      dedupe,
      host,
      nodes: {
        "pay::start": (input) => input,
        "pay::charge": () => {
          executions++;
          return { charged: "here" };
        },
      },
    });
    const outcome = await kernel.invoke({ flow: "pay", payload: { order: "B-2" }, runId: "r" });
    expect(outcome).toMatchObject({ status: "completed", output: { charged: "by other" } });
    expect(looks).toBe(4);
    expect(executions).toBe(0);
  });

  it("a holder that died stops renewing: its reservation lapses and the waiting run executes", async () => {
    const inner = createMemoryDedupe(systemClock);
    let first = true;
    const dedupe: DedupeStore = {
      ...inner,
      async reserve(key, owner, leaseMs) {
        // "ghost" reserved the key with a 60 ms lease, then died without completing it.
        if (first) await inner.reserve(key, "ghost", 60);
        first = false;
        return inner.reserve(key, owner, leaseMs);
      },
    };
    const { host } = testHost();
    let executions = 0;
    const kernel = createKernel({
      flows: [flow],
      dedupe,
      host,
      nodes: {
        "pay::start": (input) => input,
        "pay::charge": () => ({ charged: "here", n: ++executions }),
      },
    });
    const started = Date.now();
    const outcome = await kernel.invoke({ flow: "pay", payload: { order: "C-3" }, runId: "r" });
    expect(outcome).toMatchObject({ status: "completed", output: { charged: "here", n: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
