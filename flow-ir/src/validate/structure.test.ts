import { describe, expect, it } from "vitest";
import { bare, edge, flow, node, trigger } from "../../../test/flow-ir/support/flows";
import { checkStructure } from "./structure";

/** The FLOW002 diagnostics of a document, as [path, message]. */
function problems(document: unknown): [string, string][] {
  const result = checkStructure(document);
  if (result.ok) return [];
  for (const diagnostic of result.diagnostics) {
    expect(diagnostic.code).toBe("FLOW002");
    expect(diagnostic.severity).toBe("error");
  }
  return result.diagnostics.map((d) => [d.path, d.message]);
}

describe("structure (FLOW002)", () => {
  it("refuses anything but a JSON object, at the root, saying what it got", () => {
    const cases: [unknown, string][] = [
      [null, "null"],
      [[], "an array"],
      ["flow", "string"],
      [1, "number"],
      [true, "boolean"],
    ];
    for (const [input, got] of cases) {
      expect(problems(input)).toEqual([
        ["", `document: a Flow IR document is a JSON object with id, name, version, profile and nodes (got ${got})`],
      ]);
    }
  });

  it("reports each missing required member at the object that lacks it", () => {
    expect(problems({})).toEqual(
      ["id", "name", "version", "profile"].map((key) => ["", `document: required property "${key}" is missing`]),
    );
    const { alias: _alias, kind: _kind, ...withoutAliasAndKind } = node("n");
    expect(problems({ ...flow(), nodes: [withoutAliasAndKind] })).toEqual([
      ["/nodes/0", '/nodes/0: required property "alias" is missing'],
      ["/nodes/0", '/nodes/0: required property "kind" is missing'],
    ]);
  });

  it("reports wrong values at the value, with the rule and what it got", () => {
    const document = {
      ...flow(),
      profile: "prod",
      edges: [{ ...edge("a", "b"), delivery: "once", buffer: { max_items: -1, spill_threshold_bytes: 1.5 } }],
      metadata: { tags: ["ok", 2] },
      policies: { lint: { allow_multiple_triggers: "yes" } },
    };
    expect(problems(document)).toEqual([
      ["/profile", '/profile: profile must be one of "web", "queue", "temporal", "wasm", "dev" (got "prod")'],
      [
        "/edges/0/delivery",
        '/edges/0/delivery: delivery must be one of "at_least_once", "at_most_once", "exactly_once" (got "once")',
      ],
      ["/edges/0/buffer/max_items", "/edges/0/buffer/max_items: buffer max_items must not be negative (got -1)"],
      [
        "/edges/0/buffer/spill_threshold_bytes",
        "/edges/0/buffer/spill_threshold_bytes: buffer spill_threshold_bytes must be a whole number (got 1.5)",
      ],
      [
        "/policies/lint/allow_multiple_triggers",
        '/policies/lint/allow_multiple_triggers: allow_multiple_triggers must be true or false (got "yes")',
      ],
      ["/metadata/tags/1", "/metadata/tags/1: each entry of metadata tags must be a string (got 2)"],
    ]);
  });

  it("refuses arrays and null where an object belongs, like the reference schema", () => {
    expect(problems({ ...flow(), policies: [] })).toEqual([["/policies", "/policies: expected an object (got Array)"]]);
    expect(problems({ ...flow(), nodes: [{ ...node("n"), idempotency: null }] })).toEqual([
      ["/nodes/0/idempotency", "/nodes/0/idempotency: expected an object (got null)"],
    ]);
    expect(problems({ ...flow(), edges: [[edge("a", "b")]] }).map(([path]) => path)).toEqual(["/edges/0"]);
  });

  it("checks schema references by their kind", () => {
    const document = {
      ...flow(),
      nodes: [{ ...node("n"), in_schema: { kind: "named" }, out_schema: { kind: "other" } }],
    };
    expect(problems(document)).toEqual([
      ["/nodes/0/in_schema", '/nodes/0/in_schema: required property "name" is missing'],
      [
        "/nodes/0/out_schema/kind",
        '/nodes/0/out_schema/kind: schema reference kind must be "opaque" or "named" (got "other")',
      ],
    ]);
  });

  it("accepts nulls where the reference schema allows them", () => {
    const document = flow({
      summary: null,
      nodes: [trigger("t", { summary: null, idempotency: { key: null, scope: null, ttlMs: null } })],
      edges: [edge("t", "t", { partition_key: null, timeout_ms: null, buffer: { max_items: null, on_drop: null } })],
      checkpoints: [{ id: "c", summary: null }],
      artifacts: [{ kind: "dot", path: "p", format: null }],
      policies: { lint: { allow_multiple_triggers: null } },
    });
    expect(problems(document)).toEqual([]);
  });

  it("fills in defaults, keeps unknown members, and leaves its input alone", () => {
    const document = { ...flow({ nodes: [{ ...bare("n"), x_node: 1 }] }), x_top: { a: [1] } };
    const before = structuredClone(document);
    const result = checkStructure(document);
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    expect(result.flow).toEqual({
      ...document,
      nodes: [{ ...bare("n"), x_node: 1, idempotency: {}, determinismHints: [], effectHints: [] }],
      edges: [],
      control_surfaces: [],
      checkpoints: [],
      policies: {},
      metadata: { tags: [] },
      artifacts: [],
    });
    expect(document).toEqual(before);
  });

  it("gives two parsed flows their own default arrays", () => {
    const first = checkStructure(flow());
    const second = checkStructure(flow());
    if (!first.ok || !second.ok) throw new Error("expected valid flows");
    expect(first.flow.nodes).not.toBe(second.flow.nodes);
  });
});
