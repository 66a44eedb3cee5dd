import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { edge, flow, node, trigger } from "../../../../test/flow-ir/support/flows";

type Ref = { kind: "opaque" } | { kind: "named"; name: string };
const named = (name: string): Ref => ({ kind: "named", name });
const opaque: Ref = { kind: "opaque" };

const connect = (out: Ref, input: Ref) =>
  flow({
    nodes: [trigger("a", { out_schema: out }), node("b", { in_schema: input })],
    edges: [edge("a", "b")],
  });

describe("port types (DAG201)", () => {
  it("reports a named output meeting a differently named input, at the edge", () => {
    const document = connect(named("Order"), named("Invoice"));
    expect(findingsOf(document)).toEqual([{ code: "DAG201", path: "/edges/0", edge: "a->b" }]);
    expect(diagnosticsOf(document, ["DAG201"])[0]?.message).toBe(
      'edge a->b connects output "Order" of "a" to input "Invoice" of "b": make the schema names match, or declare one side opaque',
    );
  });

  it("compares names exactly", () => {
    expect(findingsOf(connect(named("Order"), named("order"))).map((f) => f.code)).toEqual(["DAG201"]);
    expect(findingsOf(connect(named(""), named("")))).toEqual([]);
  });

  it("accepts equal names and an opaque side", () => {
    expect(findingsOf(connect(named("Order"), named("Order")))).toEqual([]);
    expect(findingsOf(connect(opaque, named("Order")))).toEqual([]);
    expect(findingsOf(connect(named("Order"), opaque))).toEqual([]);
    expect(findingsOf(connect(opaque, opaque))).toEqual([]);
  });

  it("checks each edge on its own, and leaves unknown ends to DAG202", () => {
    const document = flow({
      nodes: [
        trigger("a", { out_schema: named("A") }),
        node("b", { in_schema: named("A"), out_schema: named("B") }),
        node("c", { in_schema: named("C") }),
      ],
      edges: [edge("a", "b"), edge("b", "c"), edge("a", "c"), edge("b", "ghost")],
    });
    expect(findingsOf(document)).toEqual([
      { code: "DAG202", path: "/edges/3/to", edge: "b->ghost" },
      { code: "DAG201", path: "/edges/1", edge: "b->c" },
      { code: "DAG201", path: "/edges/2", edge: "a->c" },
    ]);
  });
});
