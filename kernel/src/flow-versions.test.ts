import { describe, expect, it } from "vitest";
import { buildFlow } from "../../test/support/flow-builder";
import { testHost } from "../../test/support/kernel-host";
import { createKernel } from "./create-kernel";

// A halted run, then a redeploy that changes the flow: v2 adds an audit node after approval.
const v1 = buildFlow("order", {
  nodes: { start: {}, approve: {}, ship: {} },
  edges: [
    ["start", "approve"],
    ["approve", "ship"],
  ],
  checkpoints: ["manager"],
});
const v2 = buildFlow("order", {
  nodes: { start: {}, approve: {}, audit: {}, ship: {} },
  edges: [
    ["start", "approve"],
    ["approve", "audit"],
    ["audit", "ship"],
  ],
  checkpoints: ["manager"],
});

function implementations(calls: string[]) {
  return {
    "order::start": (input: unknown) => input,
    "order::approve": async (input: unknown, ctx: { halt: <T>(c: string) => Promise<T> }) => {
      const decision = await ctx.halt<{ approved: boolean }>("manager");
      calls.push("approve");
      return { ...(input as object), approved: decision.approved };
    },
    "order::audit": (input: unknown) => {
      calls.push("audit");
      return { ...(input as object), audited: true };
    },
    "order::ship": (input: unknown) => {
      calls.push("ship");
      return { shipped: (input as { approved: boolean }).approved, audited: (input as { audited?: true }).audited };
    },
  };
}

describe("runs pinned to their flow version", () => {
  it("a run halted on v1 is refused by a kernel that has only v2 (FLOW409), and changes nothing", async () => {
    const { host, journal } = testHost();
    const calls: string[] = [];
    const halted = await createKernel({ flows: [v1], nodes: implementations(calls), host }).invoke({
      flow: "order",
      runId: "o-1",
    });
    if (halted.status !== "halted") throw new Error(`expected a halt, got ${halted.status}`);
    const before = journal.runs.get("o-1")?.length;
    const redeployed = createKernel({ flows: [v2], nodes: implementations(calls), host });
    const refused = await redeployed.resume({
      runId: "o-1",
      checkpoint: "manager",
      token: halted.token,
      payload: { approved: true },
    });
    expect(refused).toMatchObject({ status: "failed", error: { code: "FLOW409" } });
    expect(journal.runs.get("o-1")?.length).toBe(before);
    expect(calls).toEqual([]);
  });

  it("with v1 kept (earlierFlows) the run finishes on the graph it started with; new runs take v2", async () => {
    const { host } = testHost();
    const calls: string[] = [];
    const halted = await createKernel({ flows: [v1], nodes: implementations(calls), host }).invoke({
      flow: "order",
      runId: "o-2",
    });
    if (halted.status !== "halted") throw new Error(`expected a halt, got ${halted.status}`);
    const redeployed = createKernel({ flows: [v2], earlierFlows: [v1], nodes: implementations(calls), host });
    const done = await redeployed.resume({
      runId: "o-2",
      checkpoint: "manager",
      token: halted.token,
      payload: { approved: true },
    });
    expect(done).toMatchObject({ status: "completed", output: { shipped: true } });
    expect(calls).toEqual(["approve", "ship"]);

    calls.length = 0;
    const fresh = await redeployed.invoke({ flow: "order", runId: "o-3" });
    if (fresh.status !== "halted") throw new Error(`expected a halt, got ${fresh.status}`);
    expect(
      await redeployed.resume({ runId: "o-3", checkpoint: "manager", token: fresh.token, payload: { approved: true } }),
    ).toMatchObject({ status: "completed", output: { shipped: true, audited: true } });
    expect(calls).toEqual(["approve", "audit", "ship"]);
  });

  it("an earlier document of another flow or that no longer validates does not carry the run", async () => {
    const { host } = testHost();
    const halted = await createKernel({ flows: [v1], nodes: implementations([]), host }).invoke({
      flow: "order",
      runId: "o-4",
    });
    if (halted.status !== "halted") throw new Error(`expected a halt, got ${halted.status}`);
    const broken = { ...v1, nodes: "not a list" };
    const other = { ...v1, id: "other", name: "other" };
    const redeployed = createKernel({ flows: [v2], earlierFlows: [broken, other], nodes: implementations([]), host });
    expect(
      await redeployed.resume({
        runId: "o-4",
        checkpoint: "manager",
        token: halted.token,
        payload: { approved: true },
      }),
    ).toMatchObject({ error: { code: "FLOW409" } });
  });
});
