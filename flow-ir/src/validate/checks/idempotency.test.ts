import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { bare, flow, node, trigger } from "../../../../test/flow-ir/support/flows";

const writer = (idempotency: Record<string, unknown>, effects: "pure" | "read_only" | "effectful" = "effectful") =>
  flow({ nodes: [trigger("start"), node("w", { effects, determinism: "best_effort", idempotency })] });

describe("idempotency keys (DAG004)", () => {
  it("reports an effectful node without a key, at its effects", () => {
    expect(findingsOf(writer({}))).toEqual([{ code: "DAG004", path: "/nodes/1/effects", node: "w" }]);
    expect(diagnosticsOf(writer({}), ["DAG004"])[0]?.message).toBe(
      'node "w" is effectful but has no idempotency.key: add one (e.g. "order_id") so retries and replays do not repeat its effect',
    );
  });

  it("reports a null key, and a node with no idempotency member at all; an empty key only warns (IDEM010)", () => {
    expect(findingsOf(writer({ key: null })).map((f) => f.code)).toEqual(["DAG004"]);
    const empty = findingsOf(writer({ key: "" }));
    expect(empty.map((f) => [f.code, f.node, f.path.endsWith("/idempotency/key")])).toEqual([["IDEM010", "w", true]]);
    expect(findingsOf(flow({ nodes: [bare("w", { effects: "effectful" })] })).map((f) => f.code)).toEqual(["DAG004"]);
  });

  it("accepts a key, whatever its scope and TTL", () => {
    expect(findingsOf(writer({ key: "order_id" }))).toEqual([]);
    expect(findingsOf(writer({ key: "k", scope: null, ttlMs: null }))).toEqual([]);
  });

  it("asks nothing of pure and read-only nodes", () => {
    expect(findingsOf(writer({}, "pure"))).toEqual([]);
    expect(findingsOf(writer({}, "read_only"))).toEqual([]);
  });
});
