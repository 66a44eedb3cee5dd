import { describe, expect, it } from "vitest";
import { validate } from "../validate";

type Surface = { id: string; kind: string; targets: string[]; config?: unknown };

function flowWith(surfaces: Surface[], edges: [string, string][] = defaultEdges) {
  const node = (alias: string, kind = "inline") => ({
    id: alias,
    alias,
    identifier: `test::${alias}`,
    name: alias,
    kind,
    effects: "pure",
    determinism: "strict",
    in_schema: { kind: "opaque" },
    out_schema: { kind: "opaque" },
  });
  return {
    id: "surfaces",
    name: "surfaces",
    version: "1.0.0",
    profile: "dev",
    nodes: [node("start", "trigger"), node("a"), node("b"), node("c"), node("end")],
    edges: edges.map(([from, to]) => ({ from, to, delivery: "at_least_once", ordering: "ordered", buffer: {} })),
    control_surfaces: surfaces,
  };
}

const defaultEdges: [string, string][] = [
  ["start", "a"],
  ["a", "b"],
  ["a", "c"],
  ["b", "end"],
  ["c", "end"],
];

const codesOf = (document: unknown) => validate(document).diagnostics.map((d) => [d.code, d.path]);

const errorsOf = (document: unknown) =>
  validate(document)
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => [d.code, d.path]);

describe("switch surfaces", () => {
  const config = { v: 1, source: "a", selector_pointer: "/tier", cases: { gold: "b" }, default: "c" };
  const targets = ["a", "b", "c"];

  it("accepts a switch whose branches are edges out of its source, all listed in targets", () => {
    expect(validate(flowWith([{ id: "s", kind: "switch", targets, config }])).diagnostics).toEqual([]);
  });

  it("requires v = 1 and stops reading there, as Lattice does", () => {
    const { v: _, ...unversioned } = config;
    expect(codesOf(flowWith([{ id: "s", kind: "switch", targets, config: unversioned }]))).toEqual([
      ["CTRL110", "/control_surfaces/0/config"],
    ]);
    expect(codesOf(flowWith([{ id: "s", kind: "switch", targets, config: { ...config, v: 2 } }]))).toEqual([
      ["CTRL110", "/control_surfaces/0/config/v"],
    ]);
  });

  it("reports a bad pointer, cases that are not an object, or no case at all (CTRL110)", () => {
    const pointer = validate(
      flowWith([{ id: "s", kind: "switch", targets, config: { ...config, selector_pointer: "tier" } }]),
    );
    expect(pointer.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["CTRL110", "/control_surfaces/0/config/selector_pointer"],
    ]);
    expect(pointer.diagnostics[0]?.message).toContain('must be "" or start with "/"');
    expect(codesOf(flowWith([{ id: "s", kind: "switch", targets, config: { ...config, cases: ["b"] } }]))).toEqual([
      ["CTRL110", "/control_surfaces/0/config/cases"],
    ]);
    const empty = { ...config, cases: {} };
    const diagnostics = validate(flowWith([{ id: "s", kind: "switch", targets, config: empty }])).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(["CTRL110"]);
    expect(diagnostics[0]?.message).toContain("at least one case");
  });

  it("reports a missing config and an unknown case target (CTRL110)", () => {
    expect(codesOf(flowWith([{ id: "s", kind: "switch", targets }]))).toEqual([["CTRL110", "/control_surfaces/0"]]);
    const unknown = { ...config, cases: { gold: "nowhere" } };
    const [diagnostic] = validate(flowWith([{ id: "s", kind: "switch", targets, config: unknown }])).diagnostics;
    expect(diagnostic?.code).toBe("CTRL110");
    expect(diagnostic?.message).toContain('unknown node "nowhere"');
  });

  it("requires targets to list the source and every branch (CTRL110)", () => {
    expect(codesOf(flowWith([{ id: "s", kind: "switch", targets: ["b"], config }]))).toEqual([
      ["CTRL110", "/control_surfaces/0/targets"],
      ["CTRL110", "/control_surfaces/0/targets"],
    ]);
  });

  it("reports a branch with no edge from the source (CTRL111)", () => {
    const edges = defaultEdges.filter(([from, to]) => !(from === "a" && to === "c"));
    const [diagnostic] = validate(flowWith([{ id: "s", kind: "switch", targets, config }], edges)).diagnostics;
    expect(diagnostic).toMatchObject({ code: "CTRL111", edge: "a->c", path: "/control_surfaces/0/config" });
  });

  it("reports two switches on one source (CTRL112)", () => {
    const surfaces = [
      { id: "s1", kind: "switch", targets, config },
      { id: "s2", kind: "switch", targets, config },
    ];
    const [diagnostic] = validate(flowWith(surfaces)).diagnostics;
    expect(diagnostic).toMatchObject({ code: "CTRL112", node: "a", path: "/control_surfaces/1/config/source" });
    expect(diagnostic?.message).toContain('"s1" is another switch surface');
  });
});

describe("if surfaces", () => {
  const config = { v: 1, source: "a", selector_pointer: "/ok", then: "b", else: "c" };
  const targets = ["a", "b", "c"];

  it("accepts an if with both branches", () => {
    expect(validate(flowWith([{ id: "i", kind: "if", targets, config }])).diagnostics).toEqual([]);
  });

  it("reports CTRL120 (else is required, as in Lattice), CTRL121 and CTRL122", () => {
    const { else: _, ...thenOnly } = config;
    expect(codesOf(flowWith([{ id: "i", kind: "if", targets, config: thenOnly }]))).toEqual([
      ["CTRL120", "/control_surfaces/0/config"],
    ]);
    expect(
      codesOf(flowWith([{ id: "i", kind: "if", targets: [...targets, "end"], config: { ...config, then: "end" } }])),
    ).toEqual([["CTRL121", "/control_surfaces/0/config"]]);
    const twice = [
      { id: "i1", kind: "if", targets, config },
      { id: "i2", kind: "if", targets, config },
    ];
    expect(codesOf(flowWith(twice))).toEqual([["CTRL122", "/control_surfaces/1/config/source"]]);
  });

  it("allows one if and one switch on the same source", () => {
    const surfaces = [
      { id: "i", kind: "if", targets, config },
      {
        id: "s",
        kind: "switch",
        targets: ["a", "b"],
        config: { v: 1, source: "a", selector_pointer: "", cases: { x: "b" } },
      },
    ];
    expect(validate(flowWith(surfaces)).diagnostics).toEqual([]);
  });
});

describe("surfaces Lattice reserves", () => {
  it("rate_limit: v, target, positive qps and burst (CTRL130), a known target (CTRL131)", () => {
    const fine = { v: 1, target: "b", qps: 5, burst: 10 };
    expect(validate(flowWith([{ id: "r", kind: "rate_limit", targets: [], config: fine }])).diagnostics).toEqual([]);
    expect(
      errorsOf(flowWith([{ id: "r", kind: "rate_limit", targets: [], config: { ...fine, qps: 0, burst: 1.5 } }])),
    ).toEqual([
      ["CTRL130", "/control_surfaces/0/config/qps"],
      ["CTRL130", "/control_surfaces/0/config/burst"],
    ]);
    expect(
      errorsOf(flowWith([{ id: "r", kind: "rate_limit", targets: [], config: { ...fine, target: "ghost" } }])),
    ).toEqual([["CTRL131", "/control_surfaces/0/config/target"]]);
  });

  it("error_handler: v, scope.nodes of strings naming nodes, a strategy, whole retries", () => {
    const fine = { v: 1, scope: { nodes: ["b"] }, strategy: "retry", max_retries: 0, backoff_ms: 10 };
    expect(validate(flowWith([{ id: "e", kind: "error_handler", targets: [], config: fine }])).diagnostics).toEqual([]);
    const bad = { v: 1, scope: { nodes: ["b", 7, "ghost"] }, strategy: "sometimes", max_retries: -1 };
    expect(errorsOf(flowWith([{ id: "e", kind: "error_handler", targets: [], config: bad }]))).toEqual([
      ["CTRL130", "/control_surfaces/0/config/scope/nodes/1"],
      ["CTRL131", "/control_surfaces/0/config/scope/nodes/2"],
      ["CTRL130", "/control_surfaces/0/config/strategy"],
      ["CTRL130", "/control_surfaces/0/config/max_retries"],
    ]);
    expect(
      errorsOf(flowWith([{ id: "e", kind: "error_handler", targets: ["b"], config: { ...fine, v: undefined } }])),
    ).toEqual([["CTRL130", "/control_surfaces/0/config/v"]]);
  });

  it("for_each: body_entry and items_pointer required, aliases known (CTRL131), the edge present (CTRL132)", () => {
    const fine = { v: 1, source: "a", items_pointer: "/items", body_entry: "b" };
    expect(validate(flowWith([{ id: "f", kind: "for_each", targets: [], config: fine }])).diagnostics).toEqual([]);
    expect(
      errorsOf(flowWith([{ id: "f", kind: "for_each", targets: [], config: { ...fine, body_entry: "ghost" } }])),
    ).toEqual([["CTRL131", "/control_surfaces/0/config/body_entry"]]);
    const noEdge = { id: "f", kind: "for_each", targets: [], config: { ...fine, body_entry: "end" } };
    expect(validate(flowWith([noEdge])).diagnostics).toMatchObject([{ code: "CTRL132", edge: "a->end" }]);
    expect(
      errorsOf(flowWith([{ id: "f", kind: "for_each", targets: [], config: { ...fine, items_pointer: "items" } }])),
    ).toEqual([["CTRL130", "/control_surfaces/0/config/items_pointer"]]);
  });

  it("window: positive size_ms, whole lateness, a pointer and a watermark", () => {
    const fine = { v: 1, event_time_pointer: "/ts", size_ms: 1000, allowed_lateness_ms: 0, watermark: "bounded" };
    expect(validate(flowWith([{ id: "w", kind: "window", targets: [], config: fine }])).diagnostics).toEqual([]);
    expect(
      errorsOf(flowWith([{ id: "w", kind: "window", targets: [], config: { ...fine, size_ms: 0, watermark: "" } }])),
    ).toEqual([
      ["CTRL130", "/control_surfaces/0/config/size_ms"],
      ["CTRL130", "/control_surfaces/0/config/watermark"],
    ]);
  });

  it("partition: the edge it names exists (CTRL132), its nodes too (CTRL131), a non-empty key", () => {
    const fine = { v: 1, edge: { from: "a", to: "b" }, key: "customer_id" };
    expect(validate(flowWith([{ id: "p", kind: "partition", targets: [], config: fine }])).diagnostics).toEqual([]);
    expect(
      validate(
        flowWith([{ id: "p", kind: "partition", targets: [], config: { ...fine, edge: { from: "a", to: "end" } } }]),
      ).diagnostics,
    ).toMatchObject([{ code: "CTRL132", edge: "a->end" }]);
    expect(
      errorsOf(
        flowWith([
          { id: "p", kind: "partition", targets: [], config: { ...fine, edge: { from: "a", to: "x" }, key: "" } },
        ]),
      ),
    ).toEqual([
      ["CTRL130", "/control_surfaces/0/config/key"],
      ["CTRL131", "/control_surfaces/0/config/edge"],
    ]);
  });

  it("never errs on loop or timeout configs, which Lattice does not check", () => {
    const surfaces = [
      { id: "l", kind: "loop", targets: ["b"], config: [1] },
      { id: "t", kind: "timeout", targets: ["b"], config: { seconds: 3 } },
    ];
    expect(validate(flowWith(surfaces)).ok).toBe(true);
  });
});

describe("warnings beyond Lattice (CTRL133, CTRL134)", () => {
  const warningsOf = (document: unknown) =>
    validate(document)
      .diagnostics.filter((d) => d.severity === "warning")
      .map((d) => [d.code, d.path]);

  it("warns of values this kernel cannot run under keys Lattice does not check (CTRL133)", () => {
    const surfaces = [
      { id: "t", kind: "timeout", targets: ["b"], config: { timeout_ms: 0 } },
      {
        id: "e",
        kind: "error_handler",
        targets: [],
        config: {
          v: 1,
          scope: { nodes: ["b"] },
          strategy: "retry",
          backoff_ms: 500,
          max_backoff_ms: 100,
          jitter: "yes",
        },
      },
      {
        id: "f",
        kind: "for_each",
        targets: [],
        config: { v: 1, source: "a", items_pointer: "", body_entry: "b", concurrency: 0 },
      },
    ];
    const result = validate(flowWith(surfaces));
    expect(result.ok).toBe(true);
    expect(warningsOf(flowWith(surfaces))).toEqual([
      ["CTRL133", "/control_surfaces/0/config/timeout_ms"],
      ["CTRL133", "/control_surfaces/1/config/max_backoff_ms"],
      ["CTRL133", "/control_surfaces/1/config/jitter"],
      ["CTRL133", "/control_surfaces/2/config/concurrency"],
    ]);
  });

  it("keeps Lattice's error on a config in this project's earlier shape and names Lattice's key (CTRL134)", () => {
    const surfaces = [
      { id: "r", kind: "rate_limit", targets: ["b"], config: { v: 1, target: "b", limit: 5, window_ms: 1000 } },
      { id: "f", kind: "for_each", targets: [], config: { v: 1, source: "a", items_pointer: "", body: "b" } },
      { id: "e", kind: "error_handler", targets: ["b"], config: { v: 1, strategy: "fail" } },
    ];
    const result = validate(flowWith(surfaces));
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ["CTRL130", "error"],
      ["CTRL130", "error"],
      ["CTRL134", "warning"],
      ["CTRL130", "error"],
      ["CTRL134", "warning"],
      ["CTRL130", "error"],
      ["CTRL134", "warning"],
    ]);
    const messages = result.diagnostics.map((d) => d.message);
    expect(messages[0]).toContain("write qps and burst");
    expect(messages[2]).toContain('"qps"');
    expect(messages[3]).toContain('rename it to "body_entry"');
    expect(messages[6]).toContain('"scope": { "nodes"');
  });
});
