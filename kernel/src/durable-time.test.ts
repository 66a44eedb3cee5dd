import { describe, expect, it } from "vitest";
import { buildFlow } from "../../test/support/flow-builder";
import { manualClock } from "../../test/support/manual-clock";
import { createKernel } from "./create-kernel";
import { isExpired } from "./durable-time";
import { createMemoryJournal } from "./journal";
import type { NodeContext, NodeRegistry } from "./nodes";

const DAY = 24 * 60 * 60 * 1000;

/** A kernel on a clock the test moves, with every node execution counted. */
function setup(flow: ReturnType<typeof buildFlow>, nodes: NodeRegistry) {
  const { clock, advance } = manualClock();
  const journal = createMemoryJournal({ keepFinished: true });
  let id = 0;
  const kernel = createKernel({
    flows: [flow],
    nodes,
    host: { journal, clock, newId: () => `id-${++id}`, logger: () => {} },
  });
  return { kernel, journal, advance, clock };
}

describe("ctx.sleep", () => {
  const flow = buildFlow("nap", {
    nodes: { start: {}, wait: {}, after: {} },
    edges: [
      ["start", "wait"],
      ["wait", "after"],
    ],
  });

  it("suspends a run for 30 days, wakes it when due, and executes no node twice", async () => {
    const runs = { start: 0, wait: 0, after: 0 };
    const { kernel, advance } = setup(flow, {
      "nap::start": (input) => {
        runs.start += 1;
        return input;
      },
      "nap::wait": async (input, ctx: NodeContext) => {
        runs.wait += 1;
        await ctx.sleep(30 * DAY);
        return input;
      },
      "nap::after": (input) => {
        runs.after += 1;
        return input;
      },
    });
    const first = await kernel.invoke({ flow: "nap", payload: 7, runId: "s", suspendAfterMs: 1_000 });
    expect(first).toMatchObject({ status: "suspended", wakeAt: 1_000_000 + 30 * DAY });
    // Invoked early it suspends again, with the same wake time: the sleep was journaled.
    advance(10 * DAY);
    expect(await kernel.invoke({ flow: "nap", runId: "s", suspendAfterMs: 1_000 })).toMatchObject({
      status: "suspended",
      wakeAt: 1_000_000 + 30 * DAY,
    });
    advance(20 * DAY);
    expect(await kernel.invoke({ flow: "nap", runId: "s", suspendAfterMs: 1_000 })).toMatchObject({
      status: "completed",
      output: 7,
    });
    // The sleeping node ran again to get past its sleep (as a halted node does); the others once.
    expect(runs).toEqual({ start: 1, wait: 3, after: 1 });
  });

  it("sleeps in memory when shorter than the host waits, and refuses a bad length with TIME400", async () => {
    const { kernel, advance } = setup(flow, {
      "nap::start": (input) => input,
      "nap::wait": async (input, ctx: NodeContext) => {
        await ctx.sleep(input as number);
        return input;
      },
      "nap::after": (input) => input,
    });
    const running = kernel.invoke({ flow: "nap", payload: 500, suspendAfterMs: 1_000 });
    await new Promise((done) => setTimeout(done, 10));
    advance(500);
    expect(await running).toMatchObject({ status: "completed", output: 500 });
    expect(await kernel.invoke({ flow: "nap", payload: -1 })).toMatchObject({
      status: "failed",
      error: { code: "TIME400" },
    });
  });
});

describe("halts with deadlines", () => {
  const flow = buildFlow("gate", {
    nodes: { start: {}, approve: { determinism: "nondeterministic" } },
    edges: [["start", "approve"]],
    checkpoints: ["ok"],
  });
  const nodes = (timeouts: { onTimeout?: "fail" } = {}): NodeRegistry => ({
    "gate::start": (input) => input,
    "gate::approve": async (_input, ctx: NodeContext) => {
      const answer = await ctx.halt("ok", null, { timeoutMs: DAY, ...timeouts });
      return isExpired(answer) ? "expired" : answer;
    },
  });

  it("continues with an expired result once the deadline passes, or fails HALT408 when asked", async () => {
    for (const [options, expected] of [
      [{}, { status: "completed", output: "expired" }],
      [{ onTimeout: "fail" as const }, { status: "failed", error: { code: "HALT408" } }],
    ] as const) {
      const { kernel, advance } = setup(flow, nodes(options));
      const halted = await kernel.invoke({ flow: "gate", payload: 1, runId: "g" });
      expect(halted).toMatchObject({ status: "halted", checkpoint: "ok", deadline: 1_000_000 + DAY });
      advance(DAY - 1);
      expect(await kernel.invoke({ flow: "gate", runId: "g" })).toMatchObject({ status: "halted" });
      advance(1);
      expect(await kernel.invoke({ flow: "gate", runId: "g" })).toMatchObject(expected);
    }
  });

  it("a resume racing the deadline: exactly one continuation, 100 times", async () => {
    let continuations = 0;
    for (let race = 0; race < 100; race += 1) {
      const { kernel, advance, journal } = setup(flow, {
        "gate::start": (input) => input,
        "gate::approve": async (_input, ctx: NodeContext) => {
          const answer = await ctx.halt("ok", null, { timeoutMs: DAY });
          continuations += 1;
          return isExpired(answer) ? "expired" : answer;
        },
      });
      const halted = await kernel.invoke({ flow: "gate", payload: 1, runId: "r" });
      if (halted.status !== "halted") throw new Error("not halted");
      continuations = 0;
      // Half the races resume a moment before the deadline, half a moment after it.
      advance(DAY + (race % 2 === 0 ? -1 : 0));
      const [resumed, woken] = await Promise.all([
        kernel.resume({ runId: "r", checkpoint: "ok", token: halted.token, payload: "yes" }),
        kernel.invoke({ flow: "gate", runId: "r" }),
      ]);
      const entries = journal.runs.get("r") ?? [];
      expect(entries.filter((entry) => entry.type === "finished")).toHaveLength(1);
      expect(continuations).toBe(1);
      const output = [resumed, woken].find((outcome) => outcome.status === "completed");
      expect(output).toMatchObject({ output: race % 2 === 0 ? "yes" : "expired" });
    }
  });
});

describe("events", () => {
  const flow = buildFlow("pay", {
    nodes: { start: {}, settle: { determinism: "nondeterministic" } },
    edges: [["start", "settle"]],
  });
  const waiting = (counter: { runs: number }): NodeRegistry => ({
    "pay::start": (input) => input,
    "pay::settle": async (input, ctx: NodeContext) => {
      counter.runs += 1;
      const event = await ctx.waitFor<{ amount: number }>("payment.settled", { match: { order: input as string } });
      return event.amount;
    },
  });

  it("wakes a run halted on a wait, once for an event delivered twice", async () => {
    const counter = { runs: 0 };
    const { kernel } = setup(flow, waiting(counter));
    expect(await kernel.invoke({ flow: "pay", payload: "A-1", runId: "p" })).toMatchObject({
      status: "halted",
      event: "payment.settled",
    });
    // Another order's settlement does not match the wait: kept, the run stays halted.
    expect(
      await kernel.deliver({ runId: "p", name: "payment.settled", payload: { order: "B-2", amount: 5 } }),
    ).toMatchObject({ status: "kept", outcome: { status: "halted" } });
    const event = { runId: "p", name: "payment.settled", payload: { order: "A-1", amount: 30 }, id: "evt-1" };
    const [first, second] = await Promise.all([kernel.deliver(event), kernel.deliver(event)]);
    expect([first.status, second.status].sort()).toEqual(["duplicate", "woke"]);
    expect([first, second].find((delivery) => delivery.status === "woke")?.outcome).toMatchObject({
      status: "completed",
      output: 30,
    });
    expect(await kernel.deliver(event)).toMatchObject({ status: "duplicate" });
    expect(await kernel.deliver({ ...event, id: "evt-2" })).toMatchObject({
      status: "refused",
      error: { code: "RUN409" },
    });
    expect(counter.runs).toBe(2);
  });

  it("keeps an event sent before the wait began for that wait", async () => {
    const counter = { runs: 0 };
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { kernel } = setup(flow, {
      "pay::start": async (input) => {
        await gate;
        return input;
      },
      "pay::settle": waiting(counter)["pay::settle"] as NodeRegistry[string],
    });
    const running = kernel.invoke({ flow: "pay", payload: "A-1", runId: "early" });
    await new Promise((done) => setTimeout(done, 5));
    const delivered = kernel.deliver({ runId: "early", name: "payment.settled", payload: { order: "A-1", amount: 9 } });
    release();
    expect(await running).toMatchObject({ status: "completed", output: 9 });
    expect(await delivered).toMatchObject({ status: "kept", outcome: { status: "completed", output: 9 } });
    expect(counter.runs).toBe(1);
  });

  it("keeps an event for a run the host will start but has not yet", async () => {
    const counter = { runs: 0 };
    const { kernel } = setup(flow, waiting(counter));
    const event = { runId: "later", name: "payment.settled", payload: { order: "L-1", amount: 4 } };
    expect(await kernel.deliver(event)).toMatchObject({ status: "refused", error: { code: "RUN404" } });
    expect(await kernel.deliver({ ...event, startPending: true })).toMatchObject({ status: "kept" });
    expect(await kernel.invoke({ flow: "pay", payload: "L-1", runId: "later" })).toMatchObject({
      status: "completed",
      output: 4,
    });
  });

  it("expires a wait with a timeout, and refuses a resume of an event wait with HALT409", async () => {
    const { kernel, advance } = setup(flow, {
      "pay::start": (input) => input,
      "pay::settle": async (_input, ctx: NodeContext) => {
        const event = await ctx.waitFor("payment.settled", { timeoutMs: DAY });
        return isExpired(event) ? "gave up" : event;
      },
    });
    const halted = await kernel.invoke({ flow: "pay", payload: "A-1", runId: "t" });
    if (halted.status !== "halted") throw new Error("not halted");
    expect(await kernel.resume({ runId: "t", checkpoint: halted.checkpoint, token: halted.token })).toMatchObject({
      status: "failed",
      error: { code: "HALT409" },
    });
    advance(DAY);
    expect(await kernel.invoke({ flow: "pay", runId: "t" })).toMatchObject({ status: "completed", output: "gave up" });
    expect(await kernel.deliver({ runId: "nope", name: "x" })).toMatchObject({
      status: "refused",
      error: { code: "RUN404" },
    });
    expect(await kernel.deliver({ runId: "t", name: "" })).toMatchObject({
      status: "refused",
      error: { code: "EVENT400" },
    });
  });
});
