import { describe, expect, it } from "vitest";
import { buildFlow, type NodeSpec } from "../../test/support/flow-builder";
import { testHost } from "../../test/support/kernel-host";
import { createKernel } from "./create-kernel";
import { KernelError } from "./errors";
import type { NodeImplementation } from "./nodes";

/** start -> work -> end, with surfaces on `work`. */
function around(
  work: NodeImplementation,
  surfaces: { id: string; kind: string; config?: unknown }[],
  spec: NodeSpec = {},
) {
  const flow = buildFlow("f", {
    nodes: { start: {}, work: spec, end: {} },
    edges: [
      ["start", "work"],
      ["work", "end"],
    ],
    surfaces: surfaces.map((surface) => ({ targets: ["work"], ...surface })),
  });
  const { host, journal, logs } = testHost();
  const kernel = createKernel({
    flows: [flow],
    nodes: { "f::start": (input) => input, "f::work": work, "f::end": (input) => input },
    host,
  });
  return { kernel, journal, logs };
}

const retry = (config: Record<string, unknown>) => ({
  id: "retry",
  kind: "error_handler",
  config: { v: 1, scope: { nodes: ["work"] }, strategy: "retry", backoff_ms: 1, max_backoff_ms: 4, ...config },
});

describe("error_handler", () => {
  it("retries until the node succeeds and records the attempts", async () => {
    let calls = 0;
    const { kernel, journal } = around(
      (_, ctx) => {
        calls += 1;
        if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
        return "done";
      },
      [retry({ max_retries: 3 })],
    );
    expect(await kernel.invoke({ flow: "f" })).toMatchObject({ status: "completed", output: "done" });
    expect(calls).toBe(3);
    const completed = journal.runs.get("run-1")?.find((e) => e.type === "completed" && e.node === "work");
    expect(completed).toMatchObject({ attempts: 3 });
  });

  it("gives up after max_retries with the node's error and the attempt count", async () => {
    let calls = 0;
    const { kernel } = around(() => {
      calls += 1;
      throw Object.assign(new Error("card declined"), { code: "PAY402" });
    }, [retry({ max_retries: 2 })]);
    const outcome = await kernel.invoke({ flow: "f" });
    expect(outcome).toMatchObject({
      status: "failed",
      error: { code: "PAY402", message: "card declined", details: { node: "work", attempts: 3 } },
    });
    expect(calls).toBe(3);
  });

  it("does not retry an error marked not retryable", async () => {
    let calls = 0;
    const { kernel } = around(() => {
      calls += 1;
      throw new KernelError("BAD400", "bad input", {}, false);
    }, [retry({ max_retries: 5 })]);
    expect(await kernel.invoke({ flow: "f" })).toMatchObject({ status: "failed", error: { code: "BAD400" } });
    expect(calls).toBe(1);
  });

  it("retries an effectful node only when it has an idempotency key", async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      throw new Error("timeout talking to the bank");
    };
    // Without a key the flow does not even start: the validator's DAG004 refuses it.
    const unkeyed = around(failing, [retry({ max_retries: 3 })], { effects: "effectful" });
    const refused = await unkeyed.kernel.invoke({ flow: "f", payload: { id: 1 } });
    expect(refused).toMatchObject({ status: "failed", error: { code: "VALID400" } });
    if (refused.status === "failed") expect(refused.error.message).toContain("DAG004");
    expect(calls).toBe(0);
    const keyed = around(failing, [retry({ max_retries: 3 })], { effects: "effectful", key: "id" });
    expect(await keyed.kernel.invoke({ flow: "f", payload: { id: 1 } })).toMatchObject({ status: "failed" });
    expect(calls).toBe(4);
  });

  it("waits with exponential backoff between attempts", async () => {
    const at: number[] = [];
    const { kernel } = around(() => {
      at.push(Date.now());
      throw new Error("again");
    }, [retry({ max_retries: 3, backoff_ms: 20, max_backoff_ms: 1000, jitter: false })]);
    await kernel.invoke({ flow: "f" });
    const gaps = at.slice(1).map((time, index) => time - (at[index] as number));
    expect(gaps).toHaveLength(3);
    // 20, 40, 80 ms: each wait at least the policy's delay (timers never fire early).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
  });

  it("continue delivers null downstream and records the error", async () => {
    const { kernel, journal } = around(() => {
      throw new Error("optional enrichment failed");
    }, [{ id: "c", kind: "error_handler", config: { v: 1, scope: { nodes: ["work"] }, strategy: "continue" } }]);
    expect(await kernel.invoke({ flow: "f" })).toMatchObject({ status: "completed", output: null });
    const entry = journal.runs.get("run-1")?.find((e) => e.type === "completed" && e.node === "work");
    expect(entry).toMatchObject({ output: null, error: { code: "NODE500", message: "optional enrichment failed" } });
  });

  it("fail stops the run at the first error", async () => {
    const flow = around(() => {
      throw new Error("nope");
    }, [{ id: "x", kind: "error_handler", config: { v: 1, scope: { nodes: ["work"] }, strategy: "fail" } }]);
    const outcome = await flow.kernel.invoke({ flow: "f" });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "NODE500", details: { node: "work" } } });
    const entries = flow.journal.runs.get("run-1") ?? [];
    expect(entries.some((e) => e.type === "completed" && e.node === "end")).toBe(false);
    expect(entries.at(-1)).toMatchObject({ type: "finished", status: "failed" });
  });
});

describe("timeouts and cancellation", () => {
  it("fails a slow node with TIME015 and aborts its signal", async () => {
    let aborted: unknown;
    const { kernel } = around(
      (_, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener("abort", () => {
            aborted = ctx.signal.reason;
          });
          setTimeout(() => resolve("late"), 2_000);
        }),
      [{ id: "t", kind: "timeout", config: { timeout_ms: 20 } }],
    );
    const outcome = await kernel.invoke({ flow: "f" });
    expect(outcome).toMatchObject({
      status: "failed",
      error: { code: "TIME015", details: { node: "work", budget_ms: 20 } },
    });
    expect(aborted).toMatchObject({ code: "TIME015" });
  });

  it("retries a timed-out attempt when an error_handler allows it", async () => {
    const { kernel } = around(
      (_, ctx) => (ctx.attempt === 1 ? new Promise(() => {}) : "second time lucky"),
      [{ id: "t", kind: "timeout", config: { timeout_ms: 20 } }, retry({ max_retries: 1 })],
    );
    expect(await kernel.invoke({ flow: "f" })).toMatchObject({ status: "completed", output: "second time lucky" });
  });

  it("applies an edge timeout_ms to the node it delivers to", async () => {
    const flow = buildFlow("edge", {
      nodes: { start: {}, slow: {} },
      edges: [["start", "slow", { timeout_ms: 15 }]],
    });
    const kernel = createKernel({
      flows: [flow],
      nodes: { "edge::start": () => 1, "edge::slow": () => new Promise(() => {}) },
      host: testHost().host,
    });
    expect(await kernel.invoke({ flow: "edge" })).toMatchObject({
      error: { code: "TIME015", details: { budget_ms: 15 } },
    });
  });

  it("enforces the invocation deadline across nodes", async () => {
    let signalled = false;
    const { kernel } = around(
      (_, ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener("abort", () => {
            signalled = true;
          });
        }),
      [],
    );
    const outcome = await kernel.invoke({ flow: "f", timeoutMs: 25 });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "TIME015", details: { budget_ms: 25 } } });
    expect(signalled).toBe(true);
  });

  it("cancels through the invocation signal (RUN499)", async () => {
    const controller = new AbortController();
    const { kernel, journal } = around(() => {
      setTimeout(() => controller.abort(), 5);
      return new Promise(() => {});
    }, []);
    const outcome = await kernel.invoke({ flow: "f", signal: controller.signal });
    expect(outcome).toMatchObject({ status: "cancelled", error: { code: "RUN499" } });
    expect(journal.runs.get("run-1")?.at(-1)).toMatchObject({ type: "finished", status: "cancelled" });
  });
});

describe("for_each", () => {
  it("runs the body per item with bounded concurrency and keeps input order", async () => {
    let running = 0;
    let peak = 0;
    const flow = buildFlow("fe", {
      nodes: { start: {}, each: {} },
      edges: [["start", "each"]],
      surfaces: [
        {
          id: "loop",
          kind: "for_each",
          targets: ["each"],
          config: { v: 1, source: "start", body_entry: "each", items_pointer: "/items", concurrency: 2 },
        },
      ],
    });
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "fe::start": (input) => input,
        "fe::each": async (item) => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 10 - (item as number)));
          running -= 1;
          return (item as number) * 2;
        },
      },
      host: testHost().host,
    });
    expect(await kernel.invoke({ flow: "fe", payload: { items: [1, 2, 3, 4, 5] } })).toMatchObject({
      output: [2, 4, 6, 8, 10],
    });
    expect(peak).toBe(2);
    expect(await kernel.invoke({ flow: "fe", payload: { items: "nope" } })).toMatchObject({
      error: { code: "FOREACH400" },
    });
  });
});

describe("rate_limit", () => {
  const limited = (name: string, limit: { id: string; kind: string; targets: string[]; config: unknown }) => {
    const starts: number[] = [];
    const { host, logs } = testHost();
    const flow = buildFlow(name, {
      nodes: { start: {}, each: {} },
      edges: [["start", "each"]],
      surfaces: [
        {
          id: "loop",
          kind: "for_each",
          targets: [],
          config: { v: 1, source: "start", body_entry: "each", items_pointer: "", concurrency: 6 },
        },
        limit,
      ],
    });
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        [`${name}::start`]: (input) => input,
        [`${name}::each`]: (item) => {
          starts.push(Date.now());
          return item;
        },
      },
      host,
    });
    return { kernel, starts, logs };
  };

  it("is a token bucket (Lattice's qps and burst): after the burst, qps starts per second", async () => {
    const { kernel, starts } = limited("tb", {
      id: "limit",
      kind: "rate_limit",
      targets: [],
      config: { v: 1, target: "each", qps: 50, burst: 2 },
    });
    const invoked = Date.now();
    expect(await kernel.invoke({ flow: "tb", payload: [1, 2, 3, 4, 5, 6] })).toMatchObject({
      output: [1, 2, 3, 4, 5, 6],
    });
    // Two tokens at first, then one every 20 ms: the k-th start (from 0) comes no sooner than
    // (k - 1) × 20 ms after the invocation, however slow the machine. (The exact schedule, burst
    // included, is checked with a fake clock in rate-limiter.test.ts.)
    const sorted = [...starts].sort((a, b) => a - b);
    for (let index = 2; index < sorted.length; index += 1) {
      expect((sorted[index] as number) - invoked).toBeGreaterThanOrEqual((index - 1) * 20 - 1);
    }
  });

  it("still runs the earlier { limit, window_ms } as a sliding window, with a CTRL134 warning naming Lattice's keys", async () => {
    const { kernel, starts, logs } = limited("rl", {
      id: "limit",
      kind: "rate_limit",
      targets: ["each"],
      config: { limit: 2, window_ms: 40 },
    });
    expect(await kernel.invoke({ flow: "rl", payload: [1, 2, 3, 4, 5, 6] })).toMatchObject({
      output: [1, 2, 3, 4, 5, 6],
    });
    // Any three consecutive starts span at least one window.
    for (let index = 2; index < starts.length; index += 1) {
      expect((starts[index] as number) - (starts[index - 2] as number)).toBeGreaterThanOrEqual(39);
    }
    const warnings = logs.filter((record) => record.code === "CTRL134");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe("warn");
    expect(warnings[0]?.message).toContain('"qps"');
  });
});

describe("configs in this project's earlier shape", () => {
  it("for_each by body and error_handler on its targets keep working, each with a CTRL134 warning", async () => {
    let calls = 0;
    const { host, logs } = testHost();
    const flow = buildFlow("old", {
      nodes: { start: {}, each: {} },
      edges: [["start", "each"]],
      surfaces: [
        { id: "loop", kind: "for_each", targets: ["each"], config: { source: "start", body: "each" } },
        { id: "retry", kind: "error_handler", targets: ["each"], config: { strategy: "retry", backoff_ms: 1 } },
      ],
    });
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "old::start": (input) => input,
        "old::each": (item, ctx) => {
          calls += 1;
          if (ctx.attempt === 1) throw new Error("first attempt fails");
          return (item as number) + 1;
        },
      },
      host,
    });
    expect(await kernel.invoke({ flow: "old", payload: [1, 2] })).toMatchObject({
      status: "completed",
      output: [2, 3],
    });
    expect(calls).toBe(4);
    const messages = logs.filter((record) => record.code === "CTRL134").map((record) => record.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('"body_entry"');
    expect(messages[1]).toContain('"scope": { "nodes"');
  });
});
