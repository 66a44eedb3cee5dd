import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { FlowSchema } from "../ir/schema";
import type { FlowIR } from "../ir/types";
import { toDot } from "./dot";
import { toMermaid } from "./mermaid";
import { graphModel } from "./model";

const node = (alias: string, kind = "inline") => ({
  id: `g::${alias}`,
  alias,
  identifier: `g::${alias}`,
  name: alias,
  kind,
  in_schema: { kind: "opaque" },
  out_schema: { kind: "opaque" },
  effects: "pure",
  determinism: "strict",
  idempotency: {},
  effectHints: [],
  determinismHints: [],
});

const edge = (from: string, to: string, extra: Record<string, unknown> = {}) => ({
  from,
  to,
  delivery: "at_least_once",
  ordering: "ordered",
  buffer: {},
  ...extra,
});

function flow(nodes: string[], edges: unknown[], surfaces: unknown[] = [], name = "g"): FlowIR {
  return v.parse(FlowSchema, {
    id: "g",
    name,
    version: "1",
    profile: "web",
    nodes: nodes.map((alias, index) => node(alias, index === 0 ? "trigger" : "inline")),
    edges,
    control_surfaces: surfaces,
  });
}

const branching = flow(
  ["in", "route", "a", "b", "c", "body"],
  [
    edge("in", "route"),
    edge("route", "a"),
    edge("route", "b"),
    edge("a", "c", { delivery: "exactly_once", timeout_ms: 500 }),
    edge("b", "body", { buffer: { max_items: 8 } }),
  ],
  [
    {
      id: "pick",
      kind: "switch",
      targets: ["a", "b"],
      config: { v: 1, source: "route", selector_pointer: "/tier", cases: { gold: "a", silver: "b" }, default: "b" },
    },
    {
      id: "check",
      kind: "if",
      targets: ["c"],
      config: { v: 1, source: "a", selector_pointer: "/ok", then: "c", else: "c" },
    },
    {
      id: "each",
      kind: "for_each",
      targets: [],
      config: { v: 1, source: "b", body_entry: "body", items_pointer: "/xs" },
    },
    { id: "slow", kind: "timeout", targets: ["c"], config: { timeout_ms: 900 } },
    {
      id: "again",
      kind: "error_handler",
      targets: [],
      config: { v: 1, scope: { nodes: ["c"] }, strategy: "retry", max_retries: 2 },
    },
    { id: "cap", kind: "rate_limit", targets: [], config: { v: 1, target: "body", qps: 5, burst: 10 } },
    { id: "spin", kind: "loop", targets: ["body"] },
  ],
);

describe("graphModel", () => {
  it("labels branches with case values, default, then/else and for-each, then the edge settings", () => {
    const model = graphModel(branching);
    expect(model.edges).toEqual([
      { from: "in", to: "route", labels: [], style: "solid" },
      { from: "route", to: "a", labels: ["gold"], style: "solid" },
      { from: "route", to: "b", labels: ["silver", "default"], style: "solid" },
      { from: "a", to: "c", labels: ["then", "else", "exactly once", "timeout 500 ms"], style: "bold" },
      { from: "b", to: "body", labels: ["for each /xs (≤8 at once)", "buffer 8"], style: "solid" },
    ]);
  });

  it("notes selectors, timeouts, retries, rate limits and other surfaces on their nodes", () => {
    const notes = Object.fromEntries(graphModel(branching).nodes.map((n) => [n.alias, n.notes]));
    expect(notes).toEqual({
      in: [],
      route: ["switch pick: /tier"],
      a: ["if check: /ok"],
      b: [],
      c: ["timeout 900 ms", "retry ×2, backoff 100 ms"],
      body: ["≤ 5/s, burst 10", "loop spin"],
    });
  });

  it("draws a branch without an edge as a dashed route and an undeclared alias as an unknown node", () => {
    const model = graphModel(
      flow(
        ["in", "x"],
        [edge("in", "x"), edge("x", "ghost")],
        [
          {
            id: "s",
            kind: "if",
            targets: [],
            config: { v: 1, source: "x", selector_pointer: "", then: "y", else: "ghost" },
          },
        ],
      ),
    );
    expect(model.edges).toContainEqual({ from: "x", to: "y", labels: ["then"], style: "dashed" });
    expect(model.edges).toContainEqual({ from: "x", to: "ghost", labels: ["else"], style: "solid" });
    expect(model.nodes.filter((n) => n.kind === "unknown").map((n) => n.alias)).toEqual(["ghost", "y"]);
    expect(model.nodes.find((n) => n.alias === "x")?.notes).toEqual(["if s: (whole output)"]);
  });

  it("never throws on malformed surface configs and notes them as invalid", () => {
    const configs: unknown[] = [
      undefined,
      null,
      "switch",
      42,
      [],
      { source: "x" },
      { source: "x", selector_pointer: "/k", cases: [] },
      { source: "x", selector_pointer: "/k", cases: { a: 7 } },
      { source: 1, selector_pointer: "nope", then: {} },
      { source: "x", body: null, concurrency: -1 },
      { timeout_ms: "soon" },
      { strategy: "pray" },
      { limit: 0 },
    ];
    for (const kind of ["switch", "if", "for_each", "timeout", "error_handler", "rate_limit", "window"]) {
      for (const config of configs) {
        const doc = flow(["in", "x"], [edge("in", "x")], [{ id: "bad", kind, targets: ["x"], config }]);
        expect(() => toMermaid(doc)).not.toThrow();
        expect(() => toDot(doc)).not.toThrow();
      }
    }
    const doc = flow(["in", "x"], [edge("in", "x")], [{ id: "bad", kind: "switch", targets: ["x"], config: null }]);
    expect(graphModel(doc).nodes.find((n) => n.alias === "x")?.notes).toEqual(["switch bad: invalid config"]);
  });
});

describe("toMermaid", () => {
  it("draws nodes with alias and kind, edges, branch labels and edge styles", () => {
    expect(toMermaid(branching)).toBe(
      [
        "flowchart LR",
        "  %% g",
        '  n0(["<b>in</b><br/>trigger"])',
        '  n1["<b>route</b><br/>inline<br/>switch pick: /tier"]',
        '  n2["<b>a</b><br/>inline<br/>if check: /ok"]',
        '  n3["<b>b</b><br/>inline"]',
        '  n4["<b>c</b><br/>inline<br/>timeout 900 ms<br/>retry ×2, backoff 100 ms"]',
        '  n5["<b>body</b><br/>inline<br/>≤ 5/s, burst 10<br/>loop spin"]',
        "  n0 --> n1",
        '  n1 -->|"gold"| n2',
        '  n1 -->|"silver<br/>default"| n3',
        '  n2 ==>|"then<br/>else<br/>exactly once<br/>timeout 500 ms"| n4',
        '  n3 -->|"for each /xs (≤8 at once)<br/>buffer 8"| n5',
        "",
      ].join("\n"),
    );
  });

  it("escapes labels so no alias, case value or name can break the diagram", () => {
    const tricky = 'a"|<b>#x;&`\nz';
    const doc = flow(
      ["in", tricky, "end"],
      [edge("in", tricky), edge(tricky, "end")],
      [
        {
          id: "s",
          kind: "switch",
          targets: [],
          config: { v: 1, source: tricky, selector_pointer: "/k", cases: { 'say "hi" | bye': "end" } },
        },
      ],
      "name\n%%{init}",
    );
    const out = toMermaid(doc);
    expect(out).toContain("  %% name %%{init}\n");
    expect(out).toContain('n1["<b>a#quot;#124;#lt;b#gt;#35;x;#38;#96;<br/>z</b><br/>inline<br/>switch s: /k"]');
    expect(out).toContain('n1 -->|"say #quot;hi#quot; #124; bye"| n2');
    // Aliases never become Mermaid ids, so keywords like `end` are safe.
    expect(out).toContain('n2["<b>end</b><br/>inline"]');
    // Every quote that opens a label also closes it.
    for (const line of out.split("\n")) expect((line.match(/"/g) ?? []).length % 2, line).toBe(0);
  });

  it("draws dashed routes and unknown nodes", () => {
    const out = toMermaid(
      flow(
        ["in"],
        [],
        [
          {
            id: "s",
            kind: "if",
            targets: [],
            config: { v: 1, source: "in", selector_pointer: "", then: "y", else: "y" },
          },
        ],
      ),
    );
    expect(out).toContain('  n1{{"<b>y</b><br/>unknown"}}');
    expect(out).toContain('  n0 -.->|"then<br/>else"| n1');
  });
});

describe("toDot", () => {
  it("draws a digraph with labelled branches, bold exactly-once edges and node notes", () => {
    const out = toDot(branching);
    expect(out.startsWith('digraph "g" {\n  rankdir=LR;\n')).toBe(true);
    expect(out).toContain('  "in" [label="in\\ntrigger", shape=oval];');
    expect(out).toContain('  "route" -> "a" [label="gold"];');
    expect(out).toContain('  "route" -> "b" [label="silver\\ndefault"];');
    expect(out).toContain(
      '  "a" -> "c" [label="then\\nelse\\nexactly once\\ntimeout 500 ms", style=bold, penwidth=2];',
    );
    expect(out).toContain('  "in" -> "route";');
    expect(out.endsWith("}\n")).toBe(true);
  });

  it("escapes quotes, backslashes and line breaks", () => {
    const doc = flow(["in", 'q"\\n\nx'], [edge("in", 'q"\\n\nx')], [], 'say "hi"');
    const out = toDot(doc);
    expect(out).toContain('digraph "say \\"hi\\"" {');
    expect(out).toContain('  "q\\"\\\\n\\nx" [label="q\\"\\\\n\\nx\\ninline", shape=box];');
    expect(out).toContain('  "in" -> "q\\"\\\\n\\nx";');
  });

  it("draws dashed routes", () => {
    const out = toDot(
      flow(
        ["in"],
        [],
        [
          {
            id: "s",
            kind: "if",
            targets: [],
            config: { v: 1, source: "in", selector_pointer: "", then: "y", else: "y" },
          },
        ],
      ),
    );
    expect(out).toContain('  "y" [label="y\\nunknown", shape=hexagon];');
    expect(out).toContain('  "in" -> "y" [label="then\\nelse", style=dashed];');
  });
});
