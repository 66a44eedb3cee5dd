import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { edge, flow, keyedWriter, type NodeInput, trigger } from "../../../../test/flow-ir/support/flows";
import { MIN_EXACTLY_ONCE_TTL_MS } from "./exactly-once";

const into = (target: NodeInput, delivery: "exactly_once" | "at_least_once" | "at_most_once" = "exactly_once") =>
  flow({ nodes: [trigger("start"), target], edges: [edge("start", target.alias, { delivery })] });

const at = { path: "/edges/0/delivery", edge: "start->w", node: "w" } as const;

describe("exactly-once edges (EXACT001–003)", () => {
  it("accepts a target with a dedupe hint, a key and a TTL of exactly the minimum", () => {
    expect(MIN_EXACTLY_ONCE_TTL_MS).toBe(300_000);
    expect(findingsOf(into(keyedWriter("w")))).toEqual([]);
  });

  it("reports a target without a resource::dedupe hint (EXACT001)", () => {
    const document = into(keyedWriter("w", { effectHints: ["resource::db::write"] }));
    expect(findingsOf(document)).toEqual([{ code: "EXACT001", ...at }]);
    expect(diagnosticsOf(document, ["EXACT001"])[0]?.message).toContain(
      'edge start->w is exactly_once but node "w" has no "resource::dedupe::*" hint',
    );
  });

  it("takes the dedupe hint from effectHints, as Lattice's has_dedupe_binding: any hint starting resource::dedupe", () => {
    for (const hints of [
      { effectHints: ["resource::dedupe"] },
      { effectHints: ["resource::dedupe::*"] },
      { effectHints: ["resource::dedupe::orders::v2"] },
      { effectHints: ["resource::dedupe_store"] },
    ]) {
      expect(findingsOf(into(keyedWriter("w", hints))), JSON.stringify(hints)).toEqual([]);
    }
  });

  it("does not take a hint that only starts like one", () => {
    const document = into(keyedWriter("w", { effectHints: ["resource::deduplicate"] }));
    expect(findingsOf(document).map((f) => f.code)).toEqual(["EXACT001"]);
  });

  it("does not take a dedupe hint from determinismHints (Lattice reads effectHints only)", () => {
    const document = into(keyedWriter("w", { effectHints: [], determinismHints: ["resource::dedupe::orders"] }));
    expect(findingsOf(document).map((f) => f.code)).toEqual(["EXACT001"]);
  });

  it("reports a target without an idempotency key (EXACT002), missing or null; an empty one only warns (IDEM010)", () => {
    for (const key of [undefined, null]) {
      const idempotency = key === undefined ? { ttlMs: 300_000 } : { key, ttlMs: 300_000 };
      // read_only, so DAG004 (effectful without a key) stays out of the way.
      const document = into(keyedWriter("w", { effects: "read_only", idempotency }));
      expect(findingsOf(document), String(key)).toEqual([{ code: "EXACT002", ...at }]);
    }
    const empty = into(keyedWriter("w", { effects: "read_only", idempotency: { key: "", ttlMs: 300_000 } }));
    expect(findingsOf(empty).map((f) => f.code)).toEqual(["IDEM010"]);
    const [finding] = diagnosticsOf(into(keyedWriter("w", { effects: "read_only", idempotency: {} })), ["EXACT002"]);
    expect(finding?.message).toContain('node "w" has no idempotency.key');
  });

  it("reports a TTL below the minimum, saying how long it is (EXACT003)", () => {
    const document = into(keyedWriter("w", { idempotency: { key: "id", ttlMs: MIN_EXACTLY_ONCE_TTL_MS - 1 } }));
    expect(findingsOf(document)).toEqual([{ code: "EXACT003", ...at }]);
    expect(diagnosticsOf(document, ["EXACT003"])[0]?.message).toContain(
      'node "w" keeps dedupe keys for 299999 ms: set idempotency.ttlMs to at least 300000',
    );
  });

  it("reports a missing or null TTL (EXACT003) with its own wording", () => {
    for (const idempotency of [{ key: "id" }, { key: "id", ttlMs: null }]) {
      const document = into(keyedWriter("w", { idempotency }));
      const [finding] = diagnosticsOf(document, ["EXACT003"]);
      expect(finding?.message).toContain('node "w" declares no idempotency.ttlMs: set it to at least 300000');
    }
  });

  it("reports all three, in order, for a bare target", () => {
    const document = into(keyedWriter("w", { effects: "pure", effectHints: [], idempotency: {} }));
    expect(findingsOf(document)).toEqual([
      { code: "EXACT001", ...at },
      { code: "EXACT002", ...at },
      { code: "EXACT003", ...at },
    ]);
  });

  it("asks nothing of at_least_once and at_most_once edges", () => {
    const bare = keyedWriter("w", { effects: "pure", effectHints: [], idempotency: {} });
    expect(findingsOf(into(bare, "at_least_once"))).toEqual([]);
    expect(findingsOf(into(bare, "at_most_once"))).toEqual([]);
  });

  it("leaves an edge to an unknown node to DAG202", () => {
    const document = flow({ nodes: [trigger("start")], edges: [edge("start", "w", { delivery: "exactly_once" })] });
    expect(findingsOf(document).map((f) => f.code)).toEqual(["DAG202"]);
  });
});
