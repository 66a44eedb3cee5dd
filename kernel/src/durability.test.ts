import { describe, expect, it } from "vitest";
import { buildFlow, chain } from "../../test/support/flow-builder";
import { testHost } from "../../test/support/kernel-host";
import { manualClock } from "../../test/support/manual-clock";
import { createKernel } from "./create-kernel";
import { createMemoryDedupe } from "./dedupe";
import { systemClock } from "./host";

describe("journal and replay", () => {
  it("re-running a run id executes only the nodes the journal lacks", async () => {
    const flow = chain("j", ["a", "b", "c"]);
    const calls: string[] = [];
    let failB = true;
    const { host } = testHost();
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "j::start": (input) => {
          calls.push("start");
          return input;
        },
        "j::a": (input) => {
          calls.push("a");
          return `${input}a`;
        },
        "j::b": (input) => {
          calls.push("b");
          if (failB) throw new Error("crash");
          return `${input}b`;
        },
        "j::c": (input) => {
          calls.push("c");
          return `${input}c`;
        },
      },
      host,
    });
    // The first execution dies in b; simulate a process that stopped there by trimming the
    // journal's terminal entries, as if the process had been killed before writing them.
    const first = await kernel.invoke({ flow: "j", payload: "x", runId: "r1" });
    expect(first.status).toBe("failed");
    const entries = (host.journal as ReturnType<typeof testHost>["journal"]).runs.get("r1") ?? [];
    entries.splice(entries.findIndex((e) => e.type === "failed"));
    failB = false;
    calls.length = 0;
    expect(await kernel.invoke({ flow: "j", runId: "r1" })).toMatchObject({ status: "completed", output: "xabc" });
    expect(calls).toEqual(["b", "c"]);
    // A finished run answers from the journal without executing anything.
    calls.length = 0;
    expect(await kernel.invoke({ flow: "j", runId: "r1" })).toMatchObject({ status: "completed", output: "xabc" });
    expect(calls).toEqual([]);
  });

  it("replays journaled now() and random() values", async () => {
    const flow = chain("d", ["stamp", "boom"]);
    let crash = true;
    const { host, journal } = testHost();
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "d::start": () => null,
        "d::stamp": (_, ctx) => ({ now: ctx.now(), random: ctx.random() }),
        "d::boom": (input, ctx) => {
          const seen = { ...(input as object), later: ctx.random() };
          if (crash) throw new Error("crash");
          return seen;
        },
      },
      host,
    });
    await kernel.invoke({ flow: "d", runId: "r" });
    const entries = journal.runs.get("r") ?? [];
    const recorded = entries.filter((e) => e.type === "value" && e.node === "boom");
    expect(recorded).toHaveLength(1);
    entries.splice(entries.findIndex((e) => e.type === "failed"));
    crash = false;
    const outcome = await kernel.invoke({ flow: "d", runId: "r" });
    const stamp = entries.find((e) => e.type === "completed" && e.node === "stamp");
    expect(outcome).toMatchObject({
      status: "completed",
      output: {
        ...(stamp?.type === "completed" ? (stamp.output as object) : {}),
        later: recorded[0]?.type === "value" ? recorded[0].value : -1,
      },
    });
  });

  it("exactly_once edges run the target's effect once per idempotency key across runs", async () => {
    const flow = buildFlow("eo", {
      nodes: {
        start: {},
        charge: {
          effects: "effectful",
          key: "order",
          ttlMs: 600_000,
          effectHints: ["resource::dedupe::ledger"],
          determinism: "best_effort",
        },
      },
      edges: [["start", "charge", { delivery: "exactly_once" }]],
    });
    let charges = 0;
    const dedupe = createMemoryDedupe(systemClock);
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "eo::start": (input) => input,
        "eo::charge": (input) => {
          charges += 1;
          return { charged: (input as { order: string }).order, n: charges };
        },
      },
      host: testHost().host,
      dedupe,
    });
    const first = await kernel.invoke({ flow: "eo", payload: { order: "A" } });
    const second = await kernel.invoke({ flow: "eo", payload: { order: "A" } });
    const other = await kernel.invoke({ flow: "eo", payload: { order: "B" } });
    expect(first).toMatchObject({ status: "completed", output: { charged: "A", n: 1 } });
    expect(second).toMatchObject({ status: "completed", output: { charged: "A", n: 1 } });
    expect(other).toMatchObject({ status: "completed", output: { charged: "B", n: 2 } });
    expect(charges).toBe(2);
  });

  it("an unresolvable idempotency key fails with IDEM001", async () => {
    const flow = buildFlow("k", {
      nodes: { start: {}, pay: { effects: "effectful", key: "order_id" } },
      edges: [["start", "pay"]],
    });
    const kernel = createKernel({
      flows: [flow],
      nodes: { "k::start": (input) => input, "k::pay": () => "paid" },
      host: testHost().host,
    });
    expect(await kernel.invoke({ flow: "k", payload: { id: 1 } })).toMatchObject({
      status: "failed",
      error: { code: "IDEM001", details: { node: "pay", field: "order_id" } },
    });
  });
});

describe("halts", () => {
  const flow = buildFlow("h", {
    nodes: { start: {}, approve: {}, ship: {} },
    edges: [
      ["start", "approve"],
      ["approve", "ship"],
    ],
    checkpoints: ["manager"],
  });
  const nodes = {
    "h::start": (input: unknown) => input,
    "h::approve": async (input: unknown, ctx: { halt: <T>(c: string, d?: unknown) => Promise<T> }) => {
      const decision = await ctx.halt<{ approved: boolean }>("manager", {
        amount: (input as { amount: number }).amount,
      });
      return { ...(input as object), approved: decision.approved };
    },
    "h::ship": (input: unknown) => ({ shipped: (input as { approved: boolean }).approved }),
  };

  it("halts at a declared checkpoint and resumes with a payload in another kernel", async () => {
    const { host } = testHost();
    const first = createKernel({ flows: [flow], nodes, host });
    const halted = await first.invoke({ flow: "h", payload: { amount: 900 }, runId: "order-1" });
    expect(halted).toMatchObject({
      status: "halted",
      node: "approve",
      checkpoint: "manager",
      details: { amount: 900 },
    });
    expect((await first.status("order-1")).status).toBe("halted");
    if (halted.status !== "halted") return;
    // Same journal, fresh kernel: the process that halted is gone.
    const second = createKernel({ flows: [flow], nodes, host });
    expect(
      await second.resume({ runId: "order-1", checkpoint: "manager", token: "forged", payload: {} }),
    ).toMatchObject({
      error: { code: "HALT403" },
    });
    expect(await second.resume({ runId: "order-1", checkpoint: "other", token: halted.token })).toMatchObject({
      error: { code: "HALT404" },
    });
    const done = await second.resume({
      runId: "order-1",
      checkpoint: "manager",
      token: halted.token,
      payload: { approved: true },
    });
    expect(done).toMatchObject({ status: "completed", output: { shipped: true } });
    expect(await second.resume({ runId: "order-1", checkpoint: "manager", token: halted.token })).toMatchObject({
      error: { code: "RUN409" },
    });
  });

  it("refuses a halt at an undeclared checkpoint (HALT404)", async () => {
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        ...nodes,
        "h::approve": async (_: unknown, ctx: { halt: (c: string) => Promise<unknown> }) => ctx.halt("ceo"),
      },
      host: testHost().host,
    });
    expect(await kernel.invoke({ flow: "h", payload: {} })).toMatchObject({ error: { code: "HALT404" } });
  });
});

describe("streams", () => {
  const flow = buildFlow("st", {
    nodes: { start: {}, emit: {} },
    edges: [["start", "emit", { max_items: 2 }]],
  });

  it("exposes the capture node's values with backpressure", async () => {
    let produced = 0;
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "st::start": (input) => input,
        "st::emit": async function* (input) {
          for (let index = 0; index < (input as number); index += 1) {
            produced += 1;
            yield index;
          }
        },
      },
      host: testHost().host,
    });
    const run = kernel.stream({ flow: "st", payload: 10 });
    const seen: number[] = [];
    const lead: number[] = [];
    for await (const value of run.values) {
      seen.push(value as number);
      await new Promise((resolve) => setTimeout(resolve, 2));
      lead.push(produced - seen.length);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The producer never runs more than the buffer (2) plus the item in hand ahead.
    expect(Math.max(...lead)).toBeLessThanOrEqual(3);
    expect(await run.outcome).toMatchObject({ status: "completed", output: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  });

  it("stopping the consumer cancels the run and the producer", async () => {
    let cleanedUp = false;
    let produced = 0;
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "st::start": () => null,
        "st::emit": async function* () {
          try {
            for (;;) {
              produced += 1;
              yield produced;
            }
          } finally {
            cleanedUp = true;
          }
        },
      },
      host: testHost().host,
    });
    const run = kernel.stream({ flow: "st" });
    for await (const value of run.values) if ((value as number) >= 3) break;
    expect(await run.outcome).toMatchObject({ status: "cancelled", error: { code: "RUN499" } });
    expect(cleanedUp).toBe(true);
    expect(produced).toBeLessThanOrEqual(6);
  });

  it("a failing stream ends the iteration with the error", async () => {
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "st::start": () => null,
        "st::emit": async function* () {
          yield 1;
          throw Object.assign(new Error("source went away"), { code: "SRC503" });
        },
      },
      host: testHost().host,
    });
    const run = kernel.stream({ flow: "st" });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const value of run.values) seen.push(value);
      })(),
    ).rejects.toMatchObject({ code: "SRC503" });
    expect(seen).toEqual([1]);
  });
});

describe("journal failures", () => {
  it("a journal that stops accepting writes fails the run with the store's error, without unhandled rejections", async () => {
    const { host } = testHost();
    let writes = 0;
    const failing = {
      ...host,
      journal: {
        read: host.journal.read,
        list: host.journal.list,
        append: async (runId: string, entries: Parameters<typeof host.journal.append>[1]) => {
          writes += 1;
          if (writes > 2) throw Object.assign(new Error("disk full"), { code: "STORE507" });
          return host.journal.append(runId, entries);
        },
      },
    };
    const kernel = createKernel({
      flows: [chain("jf", ["a", "b", "c"])],
      nodes: { "jf::start": () => 1, "jf::a": (_, ctx) => ctx.now(), "jf::b": () => 2, "jf::c": () => 3 },
      host: failing,
    });
    const outcome = await kernel.invoke({ flow: "jf" });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "STORE507", message: "disk full" } });
  });
});

describe("cancel", () => {
  it("stops a running execution and keeps a halted run from ever continuing", async () => {
    const flow = buildFlow("c", {
      nodes: { start: {}, wait: {} },
      edges: [["start", "wait"]],
      checkpoints: ["gate"],
    });
    let signalled = false;
    let mode: "hang" | "halt" = "hang";
    const { host } = testHost();
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "c::start": () => null,
        "c::wait": async (_, ctx) => {
          if (mode === "halt") return ctx.halt("gate");
          ctx.signal.addEventListener("abort", () => {
            signalled = true;
          });
          return new Promise(() => {});
        },
      },
      host,
    });
    const running = kernel.invoke({ flow: "c", runId: "hanging" });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await kernel.cancel("hanging")).status).toBe("cancelled");
    expect(await running).toMatchObject({ status: "cancelled", error: { code: "RUN499" } });
    expect(signalled).toBe(true);

    mode = "halt";
    const halted = await kernel.invoke({ flow: "c", runId: "halted" });
    expect(halted.status).toBe("halted");
    expect((await kernel.cancel("halted")).status).toBe("cancelled");
    if (halted.status === "halted") {
      expect(await kernel.resume({ runId: "halted", checkpoint: "gate", token: halted.token })).toMatchObject({
        error: { code: "RUN409" },
      });
    }
  });
});

describe("suspended retries", () => {
  it("suspends instead of sleeping through a long backoff and carries on with the next attempt", async () => {
    const { clock, advance } = manualClock();
    const flow = buildFlow("sr", {
      nodes: { start: {}, flaky: {} },
      edges: [["start", "flaky"]],
      surfaces: [
        {
          id: "retry",
          kind: "error_handler",
          targets: ["flaky"],
          config: { strategy: "retry", max_retries: 3, backoff_ms: 60_000, max_backoff_ms: 60_000, jitter: false },
        },
      ],
    });
    const attempts: number[] = [];
    const { host } = testHost({ clock });
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "sr::start": () => null,
        "sr::flaky": (_, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 2) throw new Error("upstream 503");
          return "recovered";
        },
      },
      host,
    });
    const first = await kernel.invoke({ flow: "sr", runId: "s1", suspendAfterMs: 1_000 });
    expect(first).toMatchObject({ status: "suspended", wakeAt: clock.now() + 60_000 });
    // Woken too early (a spurious alarm): still suspended, nothing runs.
    advance(30_000);
    expect(await kernel.invoke({ flow: "sr", runId: "s1", suspendAfterMs: 1_000 })).toMatchObject({
      status: "suspended",
    });
    expect(attempts).toEqual([1]);
    advance(30_000);
    const done = await kernel.invoke({ flow: "sr", runId: "s1", suspendAfterMs: 1_000 });
    expect(done).toMatchObject({ status: "completed", output: "recovered" });
    expect(attempts).toEqual([1, 2]);
    expect((await kernel.status("s1")).history.find((record) => record.node === "flaky")).toMatchObject({
      attempts: 2,
    });
  });
});
