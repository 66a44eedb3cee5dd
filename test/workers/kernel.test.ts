import { createKernel, createMemoryJournal, systemClock } from "@flows/kernel";
import { describe, expect, it } from "vitest";
import { buildFlow } from "../support/flow-builder";

// The kernel is runtime-agnostic: the same code runs here inside workerd as in Node.
describe("kernel inside workerd", () => {
  const flow = buildFlow("w", {
    nodes: { start: {}, double: {}, approve: {}, done: {} },
    edges: [
      ["start", "double"],
      ["double", "approve"],
      ["approve", "done"],
    ],
    checkpoints: ["ok"],
    surfaces: [
      {
        id: "retry",
        kind: "error_handler",
        targets: ["double"],
        config: { v: 1, scope: { nodes: ["double"] }, strategy: "retry", backoff_ms: 1 },
      },
    ],
  });
  let flaky = 0;
  const nodes = {
    "w::start": (input: unknown) => input,
    "w::double": (input: unknown) => {
      flaky += 1;
      if (flaky === 1) throw new Error("first attempt fails");
      return (input as number) * 2;
    },
    "w::approve": async (input: unknown, ctx: { halt: <T>(c: string) => Promise<T> }) =>
      (input as number) + (await ctx.halt<number>("ok")),
    "w::done": async function* (input: unknown) {
      yield input;
      yield (input as number) + 1;
    },
  };

  it("retries, halts, resumes and streams", async () => {
    let id = 0;
    const host = {
      journal: createMemoryJournal(),
      clock: systemClock,
      newId: () => `id-${++id}`,
      logger: () => {},
    };
    const kernel = createKernel({ flows: [flow], nodes, host });
    const halted = await kernel.invoke({ flow: "w", payload: 20 });
    expect(halted).toMatchObject({ status: "halted", checkpoint: "ok" });
    if (halted.status !== "halted") return;
    const resumed = await kernel.resume({ runId: halted.runId, checkpoint: "ok", token: halted.token, payload: 2 });
    expect(resumed).toMatchObject({ status: "completed", output: [42, 43] });
    expect(flaky).toBe(2);
  });
});
