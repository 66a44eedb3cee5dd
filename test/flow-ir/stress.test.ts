import { validate } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";
import { bare, chainOf, edge, fanOut, flow, keyedWriter, node, surface, trigger } from "./support/flows";
import { isJsonObject, type Json, type JsonObject, valueAt } from "./support/json";
import { sitesOf } from "./support/shapes";

// Sizes and shapes that would break a recursive or quadratic validator: 100,000 levels of
// nesting, 100,000-node chains, rings and fans. Everything comes back as diagnostics.

const DEPTH = 100_000;
const SIZE = 100_000;

/** `[[[…]]]` built with a loop: the test must not need the recursion it is testing for. */
function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < depth; level += 1) value = [value];
  return value;
}

describe("deep nesting", () => {
  it("reports 100,000 unclosed [ as text (FLOW001 at the end of the input)", () => {
    const result = validate("[".repeat(DEPTH));
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({
      code: "FLOW001",
      path: "",
      position: { line: 1, column: DEPTH + 1 },
    });
  });

  it("reports 100,000 balanced [ ] as text: JSON, but not a flow (FLOW002)", () => {
    const result = validate(`${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}`);
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["FLOW002", ""]]);
  });

  it("reports 100,000 nested arrays as a value (FLOW002)", () => {
    const result = validate(nestedArrays(DEPTH));
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["FLOW002", ""]]);
  });

  it("reports 100,000 nested arrays where the nodes belong, at /nodes/0", () => {
    const result = validate({ ...flow(), nodes: [nestedArrays(DEPTH)] });
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["FLOW002", "/nodes/0"]]);
  });

  it("keeps 100,000 levels of nesting in an unknown member and in a surface config, as value and as text", () => {
    let nested: unknown = "leaf";
    for (let level = 0; level < DEPTH; level += 1) nested = { next: nested };
    const document = { ...flow({ nodes: [trigger("start")], control_surfaces: [surface("s", "loop", [], nested)] }) };
    const withExtra = { ...document, x_deep: nested };
    const fromValue = validate(withExtra);
    expect(fromValue.diagnostics).toEqual([]);
    expect((fromValue.flow as unknown as { x_deep: unknown }).x_deep).toBe(nested);
    expect(fromValue.flow?.control_surfaces[0]?.config).toBe(nested);

    const text = `{"id":"f","name":"f","version":"1","profile":"dev","x_deep":${'{"a":'.repeat(DEPTH)}1${"}".repeat(DEPTH)}}`;
    const fromText = validate(text);
    expect(fromText.diagnostics).toEqual([]);
    let depth = 0;
    for (let at = (fromText.flow as unknown as { x_deep: unknown }).x_deep; isJsonObject(at as Json); depth += 1) {
      at = (at as { a: unknown }).a;
    }
    expect(depth).toBe(DEPTH);
  });
});

describe("100,000-node graphs", () => {
  it("validates a 100,000-node chain clean", () => {
    const result = validate(chainOf(SIZE));
    expect(result.diagnostics).toEqual([]);
    expect(result.flow?.nodes).toHaveLength(SIZE);
    expect(result.flow?.edges).toHaveLength(SIZE - 1);
  });

  it("validates a 100,000-node chain that leaves every default to the parser", () => {
    const result = validate(chainOf(SIZE, undefined, bare));
    expect(result.diagnostics).toEqual([]);
    expect(result.flow?.nodes[SIZE - 1]).toMatchObject({ idempotency: {}, effectHints: [], determinismHints: [] });
  });

  it("reports a 100,000-node ring once (DAG200), naming every node on it in order", () => {
    const result = validate(chainOf(SIZE, 0));
    expect(result.diagnostics.map((d) => [d.code, d.path, d.node])).toEqual([["DAG200", "/edges/0", "n0"]]);
    const message = result.diagnostics[0]?.message ?? "";
    const cycle = message.slice("cycle ".length, message.indexOf(":"));
    const names = cycle.split(" -> ");
    expect(names).toHaveLength(SIZE + 1);
    expect(names.slice(0, 3)).toEqual(["n0", "n1", "n2"]);
    expect(names.slice(-2)).toEqual(["n99999", "n0"]);
  });

  it("names only the ring when a 100,000-node chain closes on its tail", () => {
    const result = validate(chainOf(SIZE, SIZE - 3));
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]?.message).toMatch(/^cycle n99997 -> n99998 -> n99999 -> n99997: /);
    expect(result.diagnostics[0]?.path).toBe(`/edges/${SIZE - 3}`);
  });

  it("validates a fan-out of 100,000 leaves clean, and a fan-in of as many exactly-once edges", () => {
    expect(validate(fanOut(SIZE)).diagnostics).toEqual([]);

    const sources = Array.from({ length: SIZE }, (_, index) => trigger(`t${index}`));
    const fanIn = flow({
      nodes: [...sources, keyedWriter("sink")],
      edges: sources.map((source) => edge(source.alias, "sink", { delivery: "exactly_once", timeout_ms: 1 })),
      policies: { lint: { allow_multiple_triggers: true } },
    });
    expect(validate(fanIn).diagnostics).toEqual([]);
  });

  it("reports every problem of a 100,000-node flow, one diagnostic each", () => {
    const nodes = Array.from({ length: SIZE }, (_, index) => node(`n${index % (SIZE / 2)}`));
    const result = validate(flow({ nodes }));
    expect(result.diagnostics).toHaveLength(SIZE / 2);
    expect(result.diagnostics.every((d) => d.code === "DAG205")).toBe(true);
    expect(result.diagnostics[0]?.path).toBe(`/nodes/${SIZE / 2}/alias`);
  });
});

describe("unknown members", () => {
  /** A flow with every optional object present, so every object of the schema can carry one. */
  const everyObject = (): JsonObject =>
    flow({
      summary: null,
      nodes: [
        trigger("start", { idempotency: { key: null } }),
        node("next", {
          in_schema: { kind: "named", name: "T" },
          out_schema: { kind: "named", name: "T" },
          idempotency: {},
        }),
      ],
      edges: [edge("start", "next", { buffer: { max_items: 1 } })],
      control_surfaces: [surface("s", "loop", ["next"])],
      checkpoints: [{ id: "c" }],
      policies: { lint: { require_control_hints: false } },
      metadata: { tags: ["t"] },
      artifacts: [{ kind: "dot", path: "flow.dot" }],
    }) as JsonObject;

  it("keeps an unknown member of every object of the schema in result.flow, unchanged", () => {
    const document = everyObject();
    const sites = sitesOf(document);
    expect(sites.map((site) => site.shape.name).sort()).toEqual(
      [
        ...["artifact", "buffer", "checkpoint", "control surface", "edge", "flow", "idempotency", "idempotency"],
        ...["lint", "metadata", "node", "node", "policies", "schema ref", "schema ref", "schema ref", "schema ref"],
      ].sort(),
    );
    sites.forEach((site, index) => {
      (valueAt(document, site.path) as JsonObject)[`x_${index}`] = { kept: [index, null, "ü"] };
    });
    const before = structuredClone(document);
    for (const input of [document, JSON.stringify(document)]) {
      const result = validate(input);
      expect(result.diagnostics).toEqual([]);
      const output = result.flow as unknown as Json;
      sites.forEach((site, index) => {
        expect(valueAt(output, [...site.path, `x_${index}`]), site.shape.name).toEqual({ kept: [index, null, "ü"] });
      });
      // Parsing fills in defaults and adds nothing else: the input is a part of the output.
      expect(output).toMatchObject(before);
    }
    expect(document).toEqual(before);
  });

  it("keeps unknown members in a 100,000-node flow", () => {
    const document = chainOf(SIZE) as { nodes: Record<string, unknown>[] };
    for (const [index, item] of document.nodes.entries()) item.x_rank = index;
    const nodes = validate(document).flow?.nodes as unknown as { x_rank: number }[];
    expect(nodes.every((item, index) => item.x_rank === index)).toBe(true);
  });
});
