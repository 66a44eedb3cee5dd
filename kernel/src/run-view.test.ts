import { describe, expect, it } from "vitest";
import { buildFlow } from "../../test/support/flow-builder";
import { createKernel } from "./create-kernel";
import { systemClock } from "./host";
import { createMemoryJournal } from "./journal";
import { journalRunSummary, nodeValues, runDetail, runSummaryWire } from "./run-view";
import { cappedValue, journalEntryWire } from "./wire";

// A run that retries, halts, fans in and produces a value over 4 KiB; an if that skips a branch.
const flow = buildFlow("view", {
  nodes: { start: {}, flaky: {}, gate: { determinism: "nondeterministic" }, no: {}, big: {}, join: {} },
  edges: [
    ["start", "flaky"],
    ["start", "no"],
    ["flaky", "gate"],
    ["gate", "big"],
    ["big", "join"],
    ["no", "join"],
    ["flaky", "join"],
  ],
  checkpoints: ["approve"],
  surfaces: [
    {
      id: "retry",
      kind: "error_handler",
      targets: ["flaky"],
      config: { strategy: "retry", max_retries: 2, backoff_ms: 1, max_backoff_ms: 1, jitter: false },
    },
    {
      id: "route",
      kind: "if",
      targets: ["start"],
      config: { v: 1, source: "start", selector_pointer: "/go", then: "flaky", else: "no" },
    },
  ],
});

const fixedClock = (at: number) => ({ now: () => at, sleep: systemClock.sleep });

function setup() {
  const journal = createMemoryJournal({ keepFinished: true });
  let now = 1_000;
  let id = 0;
  let failures = 1;
  const kernel = createKernel({
    flows: [flow],
    nodes: {
      "view::start": (input) => input,
      "view::flaky": (input) => {
        if (failures-- > 0) throw Object.assign(new Error("flaked"), { code: "FLAKE503" });
        return { seen: input };
      },
      "view::gate": async (input, ctx) => {
        const answer = await ctx.halt("approve", { asks: "ok?" });
        return { input, answer };
      },
      "view::no": () => "no",
      "view::big": () => "x".repeat(5000),
      "view::join": (input) => Object.keys(input as object),
    },
    host: {
      journal,
      clock: { now: () => (now += 5), sleep: systemClock.sleep },
      newId: () => `id-${++id}`,
      logger: () => {},
    },
  });
  const entries = (runId: string) => journal.runs.get(runId) ?? [];
  return { kernel, entries };
}

describe("runDetail", () => {
  it("shows a halted run's nodes, their inputs, the retry and the resume token", async () => {
    const { kernel } = setup();
    const halted = await kernel.invoke({ flow: "view", payload: { go: true }, runId: "r1" });
    expect(halted).toMatchObject({ status: "halted", checkpoint: "approve" });
    const detail = await kernel.detail("r1");
    expect(detail).toMatchObject({
      run_id: "r1",
      flow: "view",
      status: "halted",
      trigger: "start",
      checkpoint: "approve",
      finished_at: null,
      error: null,
      input: { go: true },
      output: null,
      resume: { node: "gate", checkpoint: "approve", token: (halted as { token: string }).token, event: null },
    });
    const byAlias = Object.fromEntries((detail?.nodes ?? []).map((node) => [node.alias, node]));
    expect(byAlias.start).toMatchObject({ node: "view::start", status: "completed", input: { go: true } });
    expect(byAlias.flaky).toMatchObject({ status: "completed", attempts: 2, input: { go: true } });
    expect(byAlias.flaky?.started_at).toEqual(expect.any(Number));
    expect(byAlias.no).toMatchObject({ status: "skipped", input: null });
    expect(byAlias.gate).toMatchObject({ status: "halted", input: { seen: { go: true } }, output: null });
    expect(byAlias.big).toMatchObject({ status: "pending", input: null });
    expect(detail?.events.map((event) => event.type)).toEqual(["retrying", "halted"]);
    expect(detail?.events[0]).toMatchObject({ node: "flaky", attempt: 1, error: { code: "FLAKE503" } });
    expect(detail?.events[1]).toMatchObject({ node: "gate", details: { asks: "ok?" }, deadline_at: null });
    expect(detail?.graph.nodes).toHaveLength(6);
    expect(detail?.graph.edges).toContainEqual({ from: "gate", to: "big" });
  });

  it("shows the resumed run to its end: a capped output, a join's input, the whole value by node", async () => {
    const { kernel, entries } = setup();
    const halted = (await kernel.invoke({ flow: "view", payload: { go: true }, runId: "r2" })) as { token: string };
    const done = await kernel.resume({ runId: "r2", checkpoint: "approve", token: halted.token, payload: "yes" });
    expect(done.status).toBe("completed");
    const detail = await kernel.detail("r2");
    expect(detail).toMatchObject({ status: "completed", resume: null, output: ["flaky", "big"] });
    const big = detail?.nodes.find((node) => node.alias === "big");
    expect(big?.output).toEqual({ $truncated: true, bytes: 5002, preview: `"${"x".repeat(4095)}` });
    const join = await kernel.nodeValues("r2", "join");
    // The join's input is what the node got: its keys are the predecessors that delivered.
    expect(join?.status).toBe("completed");
    expect(join?.input).toEqual({ flaky: { seen: { go: true } }, big: "x".repeat(5000) });
    expect(detail?.events.map((event) => event.type)).toEqual(["retrying", "halted", "resumed"]);
    expect(detail?.events[2]).toMatchObject({ node: "gate", payload: "yes" });
    const whole = await kernel.nodeValues("r2", "big");
    expect(whole).toMatchObject({
      run_id: "r2",
      node: "view::big",
      status: "completed",
      input: { input: { seen: { go: true } }, answer: "yes" },
    });
    expect(whole?.output).toBe("x".repeat(5000));
    expect((await kernel.nodeValues("r2", "view::gate"))?.alias).toBe("gate");
    expect(await kernel.nodeValues("r2", "nope")).toBeUndefined();
    expect(await kernel.detail("none")).toBeUndefined();
    // The pure view over the same journal, given the document the kernel read, agrees.
    expect(nodeValues("r2", entries("r2"), "big")?.output).toBe("x".repeat(5000));
  });

  it("shows a failed node with its error and the run's error; without the document, the journal's nodes", async () => {
    const failing = buildFlow("view", { nodes: { start: {}, flaky: {} }, edges: [["start", "flaky"]] });
    const journal = createMemoryJournal({ keepFinished: true });
    const other = createKernel({
      flows: [failing],
      nodes: {
        "view::start": (input) => input,
        "view::flaky": () => {
          throw Object.assign(new Error("broken"), { code: "BROKE500" });
        },
      },
      host: { journal, clock: fixedClock(50), newId: () => "x", logger: () => {} },
    });
    expect((await other.invoke({ flow: "view", payload: 1, runId: "f" })).status).toBe("failed");
    const detail = await other.detail("f");
    expect(detail).toMatchObject({ status: "failed", error: { code: "BROKE500" }, finished_at: 50 });
    expect(journalRunSummary("f", journal.runs.get("f") ?? [])).toEqual({
      run_id: "f",
      flow: "view",
      status: "failed",
      trigger: "start",
      started_at: 50,
      updated_at: 50,
      finished_at: 50,
      checkpoint: null,
      wake_at: null,
      error_code: "BROKE500",
    });
    expect(journalRunSummary("none", [])).toBeUndefined();
    // From the detail, the same line.
    expect(runSummaryWire(detail as NonNullable<typeof detail>)).toEqual(
      journalRunSummary("f", journal.runs.get("f") ?? []),
    );
    expect(detail?.nodes.find((node) => node.alias === "flaky")).toMatchObject({
      status: "failed",
      attempts: 1,
      started_at: 50,
      duration_ms: 0,
      input: 1,
      error: { code: "BROKE500", message: "broken" },
    });
    const bare = runDetail("f", journal.runs.get("f") ?? []);
    expect(bare?.nodes.map((node) => [node.node, node.status])).toEqual([
      ["start", "completed"],
      ["flaky", "failed"],
    ]);
    expect(bare?.graph).toEqual({ nodes: [], edges: [] });
  });

  it("shows a run still going: a node under way is running, a sleeping run's wake time", async () => {
    const sleepy = buildFlow("sleepy", {
      nodes: { start: {}, nap: {}, after: {} },
      edges: [
        ["start", "nap"],
        ["nap", "after"],
      ],
    });
    const journal = createMemoryJournal({ keepFinished: true });
    const kernel = createKernel({
      flows: [sleepy],
      nodes: {
        "sleepy::start": (input) => input,
        "sleepy::nap": async (input, ctx) => {
          await ctx.sleep(60_000);
          return input;
        },
        "sleepy::after": (input) => input,
      },
      host: { journal, clock: fixedClock(10), newId: () => "x", logger: () => {} },
    });
    expect((await kernel.invoke({ flow: "sleepy", payload: 2, runId: "s", suspendAfterMs: 1 })).status).toBe(
      "suspended",
    );
    const detail = await kernel.detail("s");
    expect(detail).toMatchObject({ status: "suspended", wake_at: 60_010 });
    expect(detail?.nodes.map((node) => node.status)).toEqual(["completed", "running", "pending"]);
    expect(detail?.events).toEqual([{ type: "suspended", at: 10, node: null, wake_at: 60_010 }]);
  });
});

describe("wire forms", () => {
  it("renames an entry's own keys to snake_case and leaves its values alone", () => {
    expect(
      journalEntryWire({
        type: "completed",
        node: "a",
        output: { camelCase: 1, nested: { startedAt: 2 } },
        attempts: 1,
        startedAt: 3,
        durationMs: 4,
      }),
    ).toEqual({
      type: "completed",
      node: "a",
      output: { camelCase: 1, nested: { startedAt: 2 } },
      attempts: 1,
      started_at: 3,
      duration_ms: 4,
    });
    expect(journalEntryWire({ type: "suspended", wakeAt: 5, at: 1 })).toEqual({ type: "suspended", wake_at: 5, at: 1 });
  });

  it("caps a value over 4 KiB of JSON (in UTF-8 bytes) with a marker", () => {
    expect(cappedValue(undefined)).toBeNull();
    expect(cappedValue({ a: 1 })).toEqual({ a: 1 });
    const exact = "y".repeat(4094);
    expect(cappedValue(exact)).toBe(exact);
    expect(cappedValue(`${exact}y`)).toMatchObject({ $truncated: true, bytes: 4097 });
    // 2,000 euro signs are 6,002 bytes of JSON though 2,002 characters.
    const euros = cappedValue("€".repeat(2000)) as { bytes: number; preview: string };
    expect(euros.bytes).toBe(6002);
    expect(euros.preview).toBe(`"${"€".repeat(1365)}`);
  });
});
