import { doCapability } from "@flows/cap-do";
import { kvCapability } from "@flows/cap-kv";
import { queueCapability } from "@flows/cap-queue";
import { r2Capability } from "@flows/cap-r2";
import { hintRegistryFor } from "@flows/caps";
import { DETERMINISM, type Determinism, EFFECTS, type Effects, validate } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";
import { finding, findingsOf } from "./support/findings";
import { flow, node, trigger } from "./support/flows";

// Installing a capability registers its hints with the validator: the same flow that is clean
// with only the built-in hints fails once the capability that knows the hint is registered.

const doWriter = (determinism: Determinism, determinismHints: string[] = ["resource::do::write"]) =>
  flow({
    nodes: [
      trigger("start"),
      node("save", {
        kind: "activity",
        effects: "effectful",
        determinism,
        idempotency: { key: "session_id" },
        effectHints: ["resource::do::write"],
        determinismHints,
      }),
    ],
  });

describe("capability hints in the validator", () => {
  it("a strict node writing Durable Object state is clean with only the built-in hints", () => {
    expect(validate(doWriter("strict")).diagnostics).toEqual([]);
  });

  it("gets DET302 once caps/do is registered, and only that", () => {
    const result = validate(doWriter("strict"), { registry: hintRegistryFor([doCapability]) });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(finding)).toEqual([
      { code: "DET302", path: "/nodes/1/determinismHints/0", node: "save", hint: "resource::do::write" },
    ]);
    expect(result.diagnostics[0]?.message).toContain('claims determinism "strict"');
    expect(result.diagnostics[0]?.message).toContain('allows at most "best_effort"');
  });

  it("fails stable too, and passes best_effort and weaker", () => {
    const registry = hintRegistryFor([doCapability]);
    const codes = (determinism: Determinism) => findingsOf(doWriter(determinism), { registry }).map((f) => f.code);
    expect(codes("stable")).toEqual(["DET302"]);
    expect(codes("best_effort")).toEqual([]);
    expect(codes("nondeterministic")).toEqual([]);
  });

  it("reads the limit from an effect hint alone as a warning (DET303), as Lattice reads DET302 from determinismHints only", () => {
    const result = validate(doWriter("strict", []), { registry: hintRegistryFor([doCapability]) });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ["DET303", "warning", "/nodes/1/effectHints/0"],
    ]);
  });

  it("keeps the built-in hints alongside the capability's", () => {
    const document = flow({
      nodes: [trigger("start", { effectHints: ["resource::http::read"], determinismHints: ["resource::http"] })],
    });
    const codes = findingsOf(document, { registry: hintRegistryFor([doCapability]) }).map((f) => f.code);
    expect(codes).toEqual(["EFFECT201", "DET302"]);
  });
});

// DESIGN §4, with Lattice's reading of hints: the effect hint brings the effects floor
// (EFFECT201), the determinism hint, as Lattice's macros emit it (the resource's namespace for
// kv, blob, queue and dedupe), the determinism limit (DET302). For each row, a node declaring
// exactly the limits passes; one step less effects or one step more determinism fails.
const TABLE: [effectHint: string, minEffects: Effects, determinismHint: string, maxDeterminism: Determinism][] = [
  ["resource::kv::read", "read_only", "resource::kv", "best_effort"],
  ["resource::kv::write", "effectful", "resource::kv", "best_effort"],
  ["resource::blob::read", "read_only", "resource::blob", "best_effort"],
  ["resource::blob::write", "effectful", "resource::blob", "best_effort"],
  ["resource::queue::publish", "effectful", "resource::queue", "best_effort"],
  ["resource::queue::consume", "read_only", "resource::queue", "best_effort"],
  ["resource::do::read", "read_only", "resource::do::read", "stable"],
  ["resource::do::write", "effectful", "resource::do::write", "best_effort"],
  ["resource::dedupe::orders", "effectful", "resource::dedupe", "best_effort"],
];

describe("the hint table of DESIGN §4, with every capability installed", () => {
  const registry = hintRegistryFor([kvCapability, r2Capability, queueCapability, doCapability]);
  const codes = (hints: [string, string], effects: Effects, determinism: Determinism) =>
    findingsOf(
      flow({
        nodes: [
          node("n", {
            effects,
            determinism,
            idempotency: { key: "k" },
            effectHints: [hints[0]],
            determinismHints: [hints[1]],
          }),
        ],
      }),
      { registry },
    ).map((f) => f.code);

  for (const [effectHint, minEffects, determinismHint, maxDeterminism] of TABLE) {
    it(`${effectHint} / ${determinismHint}: effects at least ${minEffects}, determinism at most ${maxDeterminism}`, () => {
      const hints: [string, string] = [effectHint, determinismHint];
      expect(codes(hints, minEffects, maxDeterminism)).toEqual([]);
      const weaker = EFFECTS[EFFECTS.indexOf(minEffects) - 1];
      if (weaker !== undefined) expect(codes(hints, weaker, maxDeterminism)).toEqual(["EFFECT201"]);
      const stronger = DETERMINISM[DETERMINISM.indexOf(maxDeterminism) - 1];
      if (stronger !== undefined) expect(codes(hints, minEffects, stronger)).toEqual(["DET302"]);
    });
  }

  it("covers each bare namespace as a determinism hint: stable is too strong, best_effort passes", () => {
    for (const hint of ["resource::kv", "resource::db", "resource::blob", "resource::queue"]) {
      const document = (determinism: Determinism) =>
        flow({ nodes: [node("n", { effects: "read_only", determinism, determinismHints: [hint] })] });
      expect(findingsOf(document("stable"), { registry }), hint).toEqual([
        { code: "DET302", path: "/nodes/0/determinismHints/0", node: "n", hint },
      ]);
      expect(findingsOf(document("best_effort"), { registry }), hint).toEqual([]);
    }
  });
});
