import { describe, expect, it } from "vitest";
import { buildFlow, chain } from "../../test/support/flow-builder";
import { testHost } from "../../test/support/kernel-host";
import { createKernel } from "./create-kernel";
import { toFlowError } from "./errors";
import { MAX_STACK_CHARS, MAX_STACK_FRAMES, nodeStack } from "./node-stack";
import type { NodeRegistry } from "./nodes";

const buggy: NodeRegistry = {
  "b::start": (input) => input,
  // The bug the stack must point at: reading a field of a field that is not there.
  "b::a": (input) => (input as { missing: { deep: number } }).missing.deep,
  "b::b": (input) => input,
};

describe("a failed node's stack", () => {
  it("is in the NODE500 error's details, in the outcome, the journal's failed entry and the log line", async () => {
    const { host, journal, logs } = testHost();
    const kernel = createKernel({ flows: [chain("b", ["a", "b"])], nodes: buggy, host });
    const outcome = await kernel.invoke({ flow: "b", payload: {}, runId: "s-1" });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "NODE500", details: { node: "a" } } });
    if (outcome.status !== "failed") throw new Error("expected a failure");
    const stack = outcome.error.details.stack as string;
    expect(stack).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'deep'\)\n/);
    // The frame of the node itself: this file, the line of "b::a" above.
    expect(stack).toMatch(/node-stack\.test\.ts:12:\d+/);
    const failed = (await journal.read("s-1")).find((entry) => entry.type === "failed");
    expect(failed).toMatchObject({ node: "a", error: { code: "NODE500", details: { stack } } });
    expect(logs).toContainEqual(expect.objectContaining({ message: "node failed", node: "a", stack }));
  });

  it("goes through the host's mapper before anything records it", async () => {
    const seen: string[] = [];
    const mapStack = (stack: string) => {
      seen.push(stack);
      return stack.replace(/\([^)]*node-stack\.test\.ts:(\d+):(\d+)\)/g, "(src/nodes.ts:$1:$2)");
    };
    const { host, journal } = testHost({ mapStack });
    const kernel = createKernel({ flows: [chain("b", ["a", "b"])], nodes: buggy, host });
    const outcome = await kernel.invoke({ flow: "b", payload: {}, runId: "s-2" });
    expect(seen).toHaveLength(1);
    if (outcome.status !== "failed") throw new Error("expected a failure");
    expect(outcome.error.details.stack).toMatch(/\(src\/nodes\.ts:12:\d+\)/);
    const failed = (await journal.read("s-2")).find((entry) => entry.type === "failed");
    expect(failed).toMatchObject({ error: { details: { stack: outcome.error.details.stack } } });
  });

  it("keeps the unmapped stack when the mapper throws", () => {
    const error = toFlowError(new Error("boom"), "n", () => {
      throw new Error("bad map");
    });
    expect(error.details.stack).toMatch(/^Error: boom\n\s+at /);
  });

  it("is left out of errors nodes coded themselves, and of errors not thrown by a node", async () => {
    const { host } = testHost();
    const flow = buildFlow("c", { nodes: { start: {}, pay: {} }, edges: [["start", "pay"]] });
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "c::start": (input) => input,
        "c::pay": () => {
          throw Object.assign(new Error("card declined"), { code: "PAY402" });
        },
      },
      host,
    });
    const outcome = await kernel.invoke({ flow: "c", payload: {} });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "PAY402", details: { node: "pay" } } });
    if (outcome.status !== "failed") throw new Error("expected a failure");
    expect(outcome.error.details).not.toHaveProperty("stack");
    expect(toFlowError(new Error("not a node's")).details).toEqual({});
    expect(toFlowError("a string", "n").details).toEqual({ node: "n" });
  });

  it("is bounded in frames and in length", () => {
    const deep = new Error("deep");
    deep.stack = ["Error: deep", ...Array.from({ length: 200 }, (_, i) => `    at f${i} (worker.js:1:${i})`)].join(
      "\n",
    );
    const frames = (nodeStack(deep) ?? "").split("\n").filter((line) => line.startsWith("    at "));
    expect(frames).toHaveLength(MAX_STACK_FRAMES);
    expect(nodeStack(deep)).toMatch(/\n {4}… 150 more frames$/);
    const long = new Error("x".repeat(100_000));
    expect((nodeStack(long) ?? "").length).toBeLessThanOrEqual(MAX_STACK_CHARS);
    // A mapper that makes it longer is bounded too.
    expect((nodeStack(new Error("y"), (stack) => stack.repeat(10_000)) ?? "").length).toBeLessThanOrEqual(
      MAX_STACK_CHARS,
    );
  });
});
