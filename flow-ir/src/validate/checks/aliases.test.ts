import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { edge, flow, node, trigger } from "../../../../test/flow-ir/support/flows";

describe("duplicate aliases (DAG205)", () => {
  it("reports every node after the first that reuses an alias, at its alias", () => {
    const document = flow({
      nodes: [trigger("start"), node("a"), node("a", { id: "other" }), node("b"), node("a", { id: "third" })],
      edges: [edge("start", "a"), edge("a", "b")],
    });
    expect(findingsOf(document)).toEqual([
      { code: "DAG205", path: "/nodes/2/alias", node: "a" },
      { code: "DAG205", path: "/nodes/4/alias", node: "a" },
    ]);
    const [first] = diagnosticsOf(document, ["DAG205"]);
    expect(first?.severity).toBe("error");
    expect(first?.message).toBe('node alias "a" is used more than once: give each node its own alias');
  });

  it("resolves edges to the first node of an alias, so a duplicate adds no other finding", () => {
    // The second "a" has a port type that would clash with b's input, were edges bound to it.
    const document = flow({
      nodes: [
        trigger("start"),
        node("a"),
        node("a", { id: "other", out_schema: { kind: "named", name: "T" } }),
        node("b", { in_schema: { kind: "named", name: "U" } }),
      ],
      edges: [edge("start", "a"), edge("a", "b")],
    });
    expect(findingsOf(document)).toEqual([{ code: "DAG205", path: "/nodes/2/alias", node: "a" }]);
  });

  it("says nothing of distinct aliases that differ only in case or spacing", () => {
    expect(findingsOf(flow({ nodes: [trigger("a"), node("A"), node("a "), node(" a")] }))).toEqual([]);
  });
});

describe("multiple triggers (DAG104)", () => {
  const twoTriggers = (lint?: { allow_multiple_triggers?: boolean | null }) =>
    flow({
      nodes: [trigger("web"), node("work"), trigger("cron"), trigger("queue")],
      edges: [edge("web", "work"), edge("cron", "work"), edge("queue", "work")],
      ...(lint === undefined ? {} : { policies: { lint } }),
    });

  it("reports each trigger after the first, at its kind, naming the first", () => {
    expect(findingsOf(twoTriggers())).toEqual([
      { code: "DAG104", path: "/nodes/2/kind", node: "cron" },
      { code: "DAG104", path: "/nodes/3/kind", node: "queue" },
    ]);
    const [first] = diagnosticsOf(twoTriggers(), ["DAG104"]);
    expect(first?.message).toContain('node "cron" is a second trigger (the first is "web")');
    expect(first?.message).toContain("policies.lint.allow_multiple_triggers");
  });

  it("allows them when policies.lint.allow_multiple_triggers is true", () => {
    expect(findingsOf(twoTriggers({ allow_multiple_triggers: true }))).toEqual([]);
  });

  it("still reports them when the policy is false, null or absent", () => {
    for (const lint of [{ allow_multiple_triggers: false }, { allow_multiple_triggers: null }, {}]) {
      expect(
        findingsOf(twoTriggers(lint)).map((f) => f.code),
        JSON.stringify(lint),
      ).toEqual(["DAG104", "DAG104"]);
    }
  });

  it("accepts one trigger and a flow with none", () => {
    expect(findingsOf(flow({ nodes: [trigger("t"), node("a")], edges: [edge("t", "a")] }))).toEqual([]);
    expect(findingsOf(flow({ nodes: [node("a")] }))).toEqual([]);
  });

  it("counts a duplicated trigger alias as both a duplicate and a second trigger", () => {
    expect(findingsOf(flow({ nodes: [trigger("t"), trigger("t")] }))).toEqual([
      { code: "DAG205", path: "/nodes/1/alias", node: "t" },
      { code: "DAG104", path: "/nodes/1/kind", node: "t" },
    ]);
  });
});
