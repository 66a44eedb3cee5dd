import { describe, expect, it } from "vitest";
import { buildFlow, chain } from "../../test/support/flow-builder";
import { testHost } from "../../test/support/kernel-host";
import { createKernel } from "./create-kernel";
import type { NodeRegistry } from "./nodes";

describe("scheduling", () => {
  it("runs a chain and returns the sink's output", async () => {
    const flow = chain("c", ["a", "b"]);
    const nodes: NodeRegistry = {
      "c::start": (input) => input,
      "c::a": (input) => (input as number) + 1,
      "c::b": async (input) => (input as number) * 10,
    };
    const kernel = createKernel({ flows: [flow], nodes, host: testHost().host });
    expect(await kernel.invoke({ flow: "c", payload: 4 })).toEqual({
      status: "completed",
      runId: "run-1",
      flow: "c",
      output: 50,
    });
  });

  it("joins several predecessors into an object keyed by alias", async () => {
    const flow = buildFlow("j", {
      nodes: { start: {}, left: {}, right: {}, join: {} },
      edges: [
        ["start", "left"],
        ["start", "right"],
        ["left", "join"],
        ["right", "join"],
      ],
    });
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "j::start": (input) => input,
        "j::left": (input) => `L${input}`,
        "j::right": (input) => `R${input}`,
        "j::join": (input) => input,
      },
      host: testHost().host,
    });
    const outcome = await kernel.invoke({ flow: "j", payload: 1 });
    expect(outcome).toMatchObject({ status: "completed", output: { left: "L1", right: "R1" } });
  });

  it("routes an if surface and skips the dead branch and everything only it feeds", async () => {
    const flow = buildFlow("r", {
      nodes: { start: {}, yes: {}, no: {}, after_no: {}, end: {} },
      edges: [
        ["start", "yes"],
        ["start", "no"],
        ["no", "after_no"],
        ["yes", "end"],
        ["after_no", "end"],
      ],
      surfaces: [
        {
          id: "route",
          kind: "if",
          targets: ["start"],
          config: { v: 1, source: "start", selector_pointer: "/ok", then: "yes", else: "no" },
        },
      ],
    });
    const ran: string[] = [];
    const node = (name: string) => (input: unknown) => {
      ran.push(name);
      return input;
    };
    const { host, journal } = testHost();
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "r::start": node("start"),
        "r::yes": node("yes"),
        "r::no": node("no"),
        "r::after_no": node("after_no"),
        "r::end": node("end"),
      },
      host,
    });
    const outcome = await kernel.invoke({ flow: "r", payload: { ok: true } });
    expect(outcome).toMatchObject({ status: "completed", output: { yes: { ok: true } } });
    expect(ran.sort()).toEqual(["end", "start", "yes"]);
    const skipped = (journal.runs.get("run-1") ?? [])
      .filter((e) => e.type === "skipped")
      .map((e) => "node" in e && e.node);
    expect(skipped.sort()).toEqual(["after_no", "no"]);
  });

  it("routes a switch by case value, falling back to default", async () => {
    const flow = buildFlow("s", {
      nodes: { start: {}, gold: {}, basic: {}, end: {} },
      edges: [
        ["start", "gold"],
        ["start", "basic"],
        ["gold", "end"],
        ["basic", "end"],
      ],
      surfaces: [
        {
          id: "tier",
          kind: "switch",
          config: {
            v: 1,
            source: "start",
            selector_pointer: "/tier",
            cases: { gold: "gold", "2": "gold" },
            default: "basic",
          },
        },
      ],
    });
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "s::start": (input) => input,
        "s::gold": () => "gold",
        "s::basic": () => "basic",
        "s::end": (input) => Object.keys(input as object),
      },
      host: testHost().host,
    });
    expect(await kernel.invoke({ flow: "s", payload: { tier: "gold" } })).toMatchObject({ output: ["gold"] });
    expect(await kernel.invoke({ flow: "s", payload: { tier: 2 } })).toMatchObject({ output: ["gold"] });
    expect(await kernel.invoke({ flow: "s", payload: { tier: "tin" } })).toMatchObject({ output: ["basic"] });
  });

  it("bounds how many nodes run at once", async () => {
    const leaves = Array.from({ length: 12 }, (_, index) => `leaf${index}`);
    const flow = buildFlow("wide", {
      nodes: Object.fromEntries([["start", {}], ...leaves.map((leaf) => [leaf, {}]), ["end", {}]]),
      edges: [
        ...leaves.map((leaf) => ["start", leaf] as [string, string]),
        ...leaves.map((leaf) => [leaf, "end"] as [string, string]),
      ],
    });
    let running = 0;
    let peak = 0;
    const leaf = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return 1;
    };
    const kernel = createKernel({
      flows: [flow],
      nodes: Object.fromEntries([
        ["wide::start", () => null],
        ...leaves.map((name) => [`wide::${name}`, leaf]),
        ["wide::end", (input: unknown) => Object.keys(input as object).length],
      ]),
      host: testHost().host,
      concurrency: 3,
    });
    expect(await kernel.invoke({ flow: "wide" })).toMatchObject({ status: "completed", output: 12 });
    expect(peak).toBe(3);
  });

  it("runs a subflow node as another registered flow", async () => {
    const child = chain("child", ["double"]);
    const parent = buildFlow("parent", {
      nodes: { start: {}, sub: { kind: "subflow", identifier: "child" }, end: {} },
      edges: [
        ["start", "sub"],
        ["sub", "end"],
      ],
    });
    const { host, journal } = testHost();
    const kernel = createKernel({
      flows: [parent, child],
      nodes: {
        "parent::start": (input) => input,
        "parent::end": (input) => ({ result: input }),
        "child::start": (input) => input,
        "child::double": (input) => (input as number) * 2,
      },
      host,
    });
    expect(await kernel.invoke({ flow: "parent", payload: 21 })).toMatchObject({ output: { result: 42 } });
    expect([...journal.runs.keys()]).toEqual(["run-1", "run-1/sub"]);
  });
});

describe("preflight and invocation errors", () => {
  it("refuses a flow with an unimplemented identifier before running anything (IMPL001)", async () => {
    let ran = false;
    const kernel = createKernel({
      flows: [chain("p", ["a", "b"])],
      nodes: {
        "p::start": () => {
          ran = true;
        },
        "p::a": () => 1,
      },
      host: testHost().host,
    });
    expect(kernel.preflight("p")).toMatchObject({ code: "IMPL001", details: { identifiers: ["p::b"] } });
    expect(await kernel.invoke({ flow: "p" })).toMatchObject({ status: "failed", error: { code: "IMPL001" } });
    expect(ran).toBe(false);
  });

  it("fails deterministically with CTRL901 on surfaces this kernel does not implement", async () => {
    // Configs Lattice's validator accepts, so the refusal is the kernel's and not a CTRL130.
    const configs: Record<string, unknown> = {
      loop: undefined,
      window: { v: 1, event_time_pointer: "/ts", size_ms: 1000, allowed_lateness_ms: 0, watermark: "max(ts)" },
      partition: { v: 1, edge: { from: "start", to: "a" }, key: "customer_id" },
    };
    for (const [kind, config] of Object.entries(configs)) {
      const flow = buildFlow("u", {
        nodes: { start: {}, a: {} },
        edges: [["start", "a"]],
        surfaces: [{ id: "x", kind, targets: ["a"], ...(config === undefined ? {} : { config }) }],
      });
      const kernel = createKernel({
        flows: [flow],
        nodes: { "u::start": () => 1, "u::a": () => 2 },
        host: testHost().host,
      });
      const outcome = await kernel.invoke({ flow: "u" });
      expect(outcome).toMatchObject({ status: "failed", error: { code: "CTRL901", details: { surface: "x", kind } } });
      if (outcome.status === "failed") expect(outcome.error.message).toContain(kind);
    }
  });

  it("answers unknown flows, triggers, captures and invalid documents with codes", async () => {
    const flow = chain("e", ["a"]);
    const kernel = createKernel({
      flows: [flow, { id: "broken", nodes: 3 }],
      nodes: { "e::start": () => 1, "e::a": () => 2 },
      host: testHost().host,
    });
    expect(await kernel.invoke({ flow: "nope" })).toMatchObject({ error: { code: "FLOW404" } });
    expect(await kernel.invoke({ flow: "e", trigger: "a" })).toMatchObject({ error: { code: "TRIG001" } });
    expect(await kernel.invoke({ flow: "e", capture: "zz" })).toMatchObject({ error: { code: "CAPT001" } });
    expect(await kernel.invoke({ flow: "broken" })).toMatchObject({ error: { code: "VALID400" } });
  });
});

describe("node context", () => {
  it("carries run metadata, the declared capabilities and a structured logger", async () => {
    const flow = buildFlow("ctx", {
      nodes: { start: {}, store: { effects: "effectful", key: "id", effectHints: ["resource::kv::write"] } },
      edges: [["start", "store"]],
    });
    const seen: Record<string, unknown>[] = [];
    const { host, logs } = testHost({
      capabilities: (node) => (node.effectHints.includes("resource::kv::write") ? { kv: { kind: "kv" } } : {}),
    });
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "ctx::start": (input, ctx) => {
          seen.push({ node: ctx.node, caps: Object.keys(ctx.caps) });
          return input;
        },
        "ctx::store": (_, ctx) => {
          ctx.log({ level: "info", message: "stored" });
          seen.push({ node: ctx.node, caps: Object.keys(ctx.caps), run: ctx.run, key: ctx.idempotencyKey });
          return "ok";
        },
      },
      host,
    });
    await kernel.invoke({ flow: "ctx", payload: { id: 7 }, runId: "r-7", metadata: { colo: "AMS" } });
    expect(seen).toEqual([
      { node: "start", caps: [] },
      { node: "store", caps: ["kv"], run: { colo: "AMS", run_id: "r-7", flow_id: "ctx" }, key: "ctx/store/7" },
    ]);
    expect(logs).toContainEqual({ level: "info", message: "stored", run_id: "r-7", flow_id: "ctx", node: "store" });
    // One structured line per node execution.
    expect(logs.filter((line) => line.message === "node completed").map((line) => [line.node, line.attempts])).toEqual([
      ["start", 1],
      ["store", 1],
    ]);
  });

  it("can be taken apart: every part read from a destructured context works, signal included", async () => {
    const flow = buildFlow("parts", { nodes: { start: {}, late: {} }, edges: [["start", "late"]] });
    const { host, logs } = testHost();
    const seen: unknown[] = [];
    let kept: AbortSignal | undefined;
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "parts::start": (input, { node, run, attempt, signal, caps, now, random, log }) => {
          kept = signal;
          log({ level: "info", message: "parts" });
          seen.push(node, run.run_id, attempt, signal.aborted, caps, typeof now(), random() < 1);
          return input;
        },
        "parts::late": async (input, { halt }) => {
          seen.push(typeof halt);
          return input;
        },
      },
      host,
    });
    expect(await kernel.invoke({ flow: "parts", payload: 1, runId: "p-1" })).toMatchObject({ status: "completed" });
    expect(seen).toEqual(["start", "p-1", 1, false, {}, "number", true, "function"]);
    expect(logs).toContainEqual({ level: "info", message: "parts", run_id: "p-1", flow_id: "parts", node: "start" });
    // A signal the node kept past its attempt tells it its time is over.
    expect(kept?.aborted).toBe(true);
  });

  it("logs a failed node with its code and a halted one with its checkpoint, whatever the level of completions", async () => {
    const flow = buildFlow("noisy", {
      nodes: { start: {}, gate: { determinism: "nondeterministic" } },
      edges: [["start", "gate"]],
      checkpoints: ["ok"],
    });
    const { host, logs } = testHost();
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "noisy::start": (input) => input,
        "noisy::gate": async (input, ctx) => {
          if (input === "fail") throw Object.assign(new Error("card declined"), { code: "PAY402" });
          return ctx.halt("ok");
        },
      },
      host,
    });
    await kernel.invoke({ flow: "noisy", payload: "halt", runId: "n-1" });
    await kernel.invoke({ flow: "noisy", payload: "fail", runId: "n-2" });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: "info", message: "node halted", node: "gate", checkpoint: "ok", run_id: "n-1" }),
    );
    expect(logs).toContainEqual(
      expect.objectContaining({ level: "warn", message: "node failed", node: "gate", code: "PAY402", run_id: "n-2" }),
    );
    expect(logs.find((line) => line.message === "node completed")).toMatchObject({ level: "debug" });
  });
});
