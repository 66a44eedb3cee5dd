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

describe("switch surfaces", () => {
  const config = { v: 1, source: "a", selector_pointer: "/tier", cases: { gold: "b" }, default: "c" };

  it("accepts a switch whose branches are edges out of its source", () => {
    expect(validate(flowWith([{ id: "s", kind: "switch", targets: ["a", "b", "c"], config }])).diagnostics).toEqual([]);
  });

  it("reports a malformed config field by field (CTRL110)", () => {
    const bad = { v: 2, source: "a", selector_pointer: "tier", cases: ["b"] };
    const diagnostics = validate(flowWith([{ id: "s", kind: "switch", targets: ["a"], config: bad }])).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(["CTRL110", "CTRL110", "CTRL110"]);
    expect(diagnostics.map((d) => d.path)).toEqual([
      "/control_surfaces/0/config/v",
      "/control_surfaces/0/config/selector_pointer",
      "/control_surfaces/0/config/cases",
    ]);
    expect(diagnostics[1]?.message).toContain('must be "" or start with "/"');
  });

  it("reports a missing config and an unknown case target (CTRL110)", () => {
    expect(codesOf(flowWith([{ id: "s", kind: "switch", targets: ["a"] }]))).toEqual([
      ["CTRL110", "/control_surfaces/0"],
    ]);
    const unknown = { ...config, cases: { gold: "nowhere" } };
    const [diagnostic] = validate(flowWith([{ id: "s", kind: "switch", targets: ["a"], config: unknown }])).diagnostics;
    expect(diagnostic?.code).toBe("CTRL110");
    expect(diagnostic?.message).toContain('unknown node "nowhere"');
  });

  it("reports a branch with no edge from the source (CTRL111)", () => {
    const edges = defaultEdges.filter(([from, to]) => !(from === "a" && to === "c"));
    const [diagnostic] = validate(flowWith([{ id: "s", kind: "switch", targets: ["a"], config }], edges)).diagnostics;
    expect(diagnostic).toMatchObject({ code: "CTRL111", edge: "a->c", path: "/control_surfaces/0/config" });
  });

  it("reports two switches on one source (CTRL112)", () => {
    const surfaces = [
      { id: "s1", kind: "switch", targets: ["a"], config },
      { id: "s2", kind: "switch", targets: ["a"], config },
    ];
    const [diagnostic] = validate(flowWith(surfaces)).diagnostics;
    expect(diagnostic).toMatchObject({ code: "CTRL112", node: "a", path: "/control_surfaces/1/config/source" });
    expect(diagnostic?.message).toContain('"s1" and "s2"');
  });
});

describe("if surfaces", () => {
  const config = { v: 1, source: "a", selector_pointer: "/ok", then: "b", else: "c" };

  it("accepts an if with both branches", () => {
    expect(validate(flowWith([{ id: "i", kind: "if", targets: ["a"], config }])).ok).toBe(true);
  });

  it("reports CTRL120, CTRL121 and CTRL122", () => {
    expect(codesOf(flowWith([{ id: "i", kind: "if", targets: ["a"], config: { source: "a" } }]))).toEqual([
      ["CTRL120", "/control_surfaces/0/config"],
      ["CTRL120", "/control_surfaces/0/config"],
    ]);
    expect(codesOf(flowWith([{ id: "i", kind: "if", targets: ["a"], config: { ...config, then: "end" } }]))).toEqual([
      ["CTRL121", "/control_surfaces/0/config"],
    ]);
    const twice = [
      { id: "i1", kind: "if", targets: ["a"], config },
      { id: "i2", kind: "if", targets: ["a"], config },
    ];
    expect(codesOf(flowWith(twice))).toEqual([["CTRL122", "/control_surfaces/1/config/source"]]);
  });

  it("allows one if and one switch on the same source", () => {
    const surfaces = [
      { id: "i", kind: "if", targets: ["a"], config },
      { id: "s", kind: "switch", targets: ["a"], config: { source: "a", selector_pointer: "", cases: { x: "b" } } },
    ];
    expect(validate(flowWith(surfaces)).diagnostics).toEqual([]);
  });
});

describe("other surfaces", () => {
  it("checks timeout, error_handler and rate_limit configs (CTRL130)", () => {
    const surfaces = [
      { id: "t", kind: "timeout", targets: ["b"], config: { timeout_ms: 0 } },
      { id: "e", kind: "error_handler", targets: ["b"], config: { strategy: "sometimes" } },
      { id: "r", kind: "rate_limit", targets: ["b"], config: { limit: 5 } },
      { id: "l", kind: "loop", targets: ["b"], config: [1] },
    ];
    expect(codesOf(flowWith(surfaces))).toEqual([
      ["CTRL130", "/control_surfaces/0/config/timeout_ms"],
      ["CTRL130", "/control_surfaces/1/config/strategy"],
      ["CTRL130", "/control_surfaces/2/config"],
      ["CTRL130", "/control_surfaces/3/config"],
    ]);
  });

  it("checks error_handler backoff bounds", () => {
    const config = { strategy: "retry", backoff_ms: 500, max_backoff_ms: 100 };
    const [diagnostic] = validate(flowWith([{ id: "e", kind: "error_handler", targets: ["b"], config }])).diagnostics;
    expect(diagnostic).toMatchObject({ code: "CTRL130", path: "/control_surfaces/0/config/max_backoff_ms" });
  });

  it("checks for_each aliases (CTRL131) and its edge (CTRL132)", () => {
    const unknown = { id: "f", kind: "for_each", targets: ["b"], config: { source: "a", body: "ghost" } };
    expect(codesOf(flowWith([unknown]))).toEqual([["CTRL131", "/control_surfaces/0/config/body"]]);
    const noEdge = { id: "f", kind: "for_each", targets: ["end"], config: { source: "a", body: "end" } };
    expect(validate(flowWith([noEdge])).diagnostics).toMatchObject([{ code: "CTRL132", edge: "a->end" }]);
    const fine = { id: "f", kind: "for_each", targets: ["b"], config: { source: "a", body: "b", concurrency: 2 } };
    expect(validate(flowWith([fine])).ok).toBe(true);
  });
});
