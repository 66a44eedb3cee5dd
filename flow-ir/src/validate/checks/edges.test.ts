import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { type EdgeInput, edge, flow, node, trigger } from "../../../../test/flow-ir/support/flows";

const withEdge = (overrides: Partial<EdgeInput>, hints: string[] = []) =>
  flow({ nodes: [trigger("start"), node("a", { effectHints: hints })], edges: [edge("start", "a", overrides)] });

describe("edge budgets (CTRL101, CTRL102)", () => {
  it("reports a timeout_ms of 0 at the member, naming the edge", () => {
    expect(findingsOf(withEdge({ timeout_ms: 0 }))).toEqual([
      { code: "CTRL101", path: "/edges/0/timeout_ms", edge: "start->a" },
    ]);
    expect(diagnosticsOf(withEdge({ timeout_ms: 0 }), ["CTRL101"])[0]?.message).toContain(
      "edge start->a sets timeout_ms to 0",
    );
  });

  it("reports a buffer.max_items of 0 at the member", () => {
    expect(findingsOf(withEdge({ buffer: { max_items: 0 } }))).toEqual([
      { code: "CTRL102", path: "/edges/0/buffer/max_items", edge: "start->a" },
    ]);
  });

  it("accepts positive budgets and budgets left out or null", () => {
    for (const overrides of [
      { timeout_ms: 1, buffer: { max_items: 1 } },
      { timeout_ms: null, buffer: { max_items: null } },
      {},
    ]) {
      expect(findingsOf(withEdge(overrides)), JSON.stringify(overrides)).toEqual([]);
    }
  });
});

describe("spilling (SPILL001, SPILL002)", () => {
  it("reports a spill tier without max_items (SPILL001) at the tier", () => {
    const document = withEdge({ buffer: { spill_tier: "r2" } }, ["resource::blob::write"]);
    expect(findingsOf(document)).toEqual([{ code: "SPILL001", path: "/edges/0/buffer/spill_tier", edge: "start->a" }]);
    expect(diagnosticsOf(document, ["SPILL001"])[0]?.message).toContain('spills to "r2" without buffer.max_items');
  });

  it("treats max_items null as absent", () => {
    const document = withEdge({ buffer: { spill_tier: "r2", max_items: null } }, ["resource::blob::write"]);
    expect(findingsOf(document).map((f) => f.code)).toEqual(["SPILL001"]);
  });

  it("reports a spill tier when no node declares a blob capability (SPILL002)", () => {
    const document = withEdge({ buffer: { spill_tier: "disk", max_items: 10 } });
    expect(findingsOf(document)).toEqual([{ code: "SPILL002", path: "/edges/0/buffer/spill_tier", edge: "start->a" }]);
    expect(diagnosticsOf(document, ["SPILL002"])[0]?.message).toContain("resource::blob::write");
  });

  it("reports both when both are missing, in order", () => {
    expect(findingsOf(withEdge({ buffer: { spill_tier: "disk" } })).map((f) => f.code)).toEqual([
      "SPILL001",
      "SPILL002",
    ]);
  });

  it("accepts an effect hint under resource::blob:: on any node, as Lattice's check_spill_requirements", () => {
    for (const hint of ["resource::blob::*", "resource::blob::read", "resource::blob::write"]) {
      const inEffects = withEdge({ buffer: { spill_tier: "r2", max_items: 5 } }, [hint]);
      expect(findingsOf(inEffects), hint).toEqual([]);
    }
  });

  it("does not take the bare namespace or a determinism hint as a blob store (SPILL002)", () => {
    expect(
      findingsOf(withEdge({ buffer: { spill_tier: "r2", max_items: 5 } }, ["resource::blob"])).map((f) => f.code),
    ).toEqual(["SPILL002"]);
    const inDeterminism = flow({
      nodes: [trigger("start", { determinismHints: ["resource::blob::read"] }), node("a")],
      edges: [edge("start", "a", { buffer: { spill_tier: "r2", max_items: 5 } })],
    });
    expect(findingsOf(inDeterminism).map((f) => f.code)).toEqual(["SPILL002"]);
  });

  it("does not take a hint that merely starts with the word blob", () => {
    const document = withEdge({ buffer: { spill_tier: "r2", max_items: 5 } }, ["resource::blobs::write"]);
    expect(findingsOf(document).map((f) => f.code)).toEqual(["SPILL002"]);
  });

  it("ignores a null spill tier", () => {
    expect(findingsOf(withEdge({ buffer: { spill_tier: null } }))).toEqual([]);
  });
});
