import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { edge, flow, node, surface, trigger } from "../../../../test/flow-ir/support/flows";

const base = (edges = [edge("start", "a")]) => ({ nodes: [trigger("start"), node("a"), node("b")], edges });

describe("unknown aliases (DAG202)", () => {
  it("reports an edge end that names no node, at that end", () => {
    const document = flow(base([edge("start", "a"), edge("a", "ghost")]));
    expect(findingsOf(document)).toEqual([{ code: "DAG202", path: "/edges/1/to", edge: "a->ghost" }]);
    expect(diagnosticsOf(document, ["DAG202"])[0]?.message).toBe(
      'edge a->ghost names unknown node "ghost" in "to": use the alias of a node in this flow',
    );
  });

  it("reports both ends when neither exists, from first", () => {
    expect(findingsOf(flow(base([edge("x", "y")])))).toEqual([
      { code: "DAG202", path: "/edges/0/from", edge: "x->y" },
      { code: "DAG202", path: "/edges/0/to", edge: "x->y" },
    ]);
  });

  it("compares aliases exactly (not ids, not names)", () => {
    const document = flow({
      nodes: [trigger("start", { id: "first", name: "First" }), node("a")],
      edges: [edge("first", "a"), edge("First", "a"), edge("start ", "a")],
    });
    expect(findingsOf(document).map((f) => f.path)).toEqual(["/edges/0/from", "/edges/1/from", "/edges/2/from"]);
  });

  it("accepts surface targets that are node aliases or the from->to label of an edge", () => {
    const document = flow({ ...base(), control_surfaces: [surface("s", "loop", ["a", "b", "start->a"])] });
    expect(findingsOf(document)).toEqual([]);
  });

  it("warns (CTRL135, not an error: Lattice does not read targets) of a surface target that is neither", () => {
    const document = flow({ ...base(), control_surfaces: [surface("s", "loop", ["a", "ghost", "a->start"])] });
    expect(findingsOf(document)).toEqual([
      { code: "CTRL135", path: "/control_surfaces/0/targets/1" },
      { code: "CTRL135", path: "/control_surfaces/0/targets/2" },
    ]);
    const [first] = diagnosticsOf(document, ["CTRL135"]);
    expect(first?.severity).toBe("warning");
    expect(first?.message).toBe(
      'control surface "s" targets unknown "ghost": targets should be node aliases (or "from->to" of an existing edge)',
    );
  });

  it("does not report a target twice when it names an edge already reported", () => {
    const document = flow({
      ...base([edge("start", "ghost")]),
      control_surfaces: [surface("s", "loop", ["start->ghost"])],
    });
    expect(findingsOf(document)).toEqual([{ code: "DAG202", path: "/edges/0/to", edge: "start->ghost" }]);
  });

  it("finds edges between aliases that themselves contain ->", () => {
    const document = flow({
      nodes: [trigger("x->y"), node("z"), node("y->z")],
      edges: [edge("x->y", "z"), edge("x->y", "y->z")],
      control_surfaces: [surface("s", "loop", ["x->y->z", "x->y->y->z"])],
    });
    expect(findingsOf(document)).toEqual([]);
  });
});
