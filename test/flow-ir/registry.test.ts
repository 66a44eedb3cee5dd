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

const doWriter = (determinism: Determinism) =>
  flow({
    nodes: [
      trigger("start"),
      node("save", {
        kind: "activity",
        effects: "effectful",
        determinism,
        idempotency: { key: "session_id" },
        effectHints: ["resource::do::write"],
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
      { code: "DET302", path: "/nodes/1/effectHints/0", node: "save", hint: "resource::do::write" },
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

  it("keeps the built-in hints alongside the capability's", () => {
    const document = flow({ nodes: [trigger("start", { effectHints: ["resource::http::read"] })] });
    const codes = findingsOf(document, { registry: hintRegistryFor([doCapability]) }).map((f) => f.code);
    expect(codes).toEqual(["EFFECT201", "DET302"]);
  });
});

// DESIGN §4: what the capabilities of this project register, at least. For each row, a node
// declaring exactly the limits passes; one step less effects or one step more determinism fails.
const TABLE: [hint: string, minEffects: Effects, maxDeterminism: Determinism | undefined][] = [
  ["resource::kv::read", "read_only", "stable"],
  ["resource::kv::write", "effectful", "best_effort"],
  ["resource::blob::read", "read_only", "stable"],
  ["resource::blob::write", "effectful", "best_effort"],
  ["resource::queue::publish", "effectful", "best_effort"],
  ["resource::queue::consume", "read_only", undefined],
  ["resource::do::read", "read_only", "stable"],
  ["resource::do::write", "effectful", "best_effort"],
  ["resource::dedupe::orders", "effectful", undefined],
];

describe("the hint table of DESIGN §4, with every capability installed", () => {
  const registry = hintRegistryFor([kvCapability, r2Capability, queueCapability, doCapability]);
  const single = (hint: string, effects: Effects, determinism: Determinism) =>
    flow({ nodes: [node("n", { effects, determinism, idempotency: { key: "k" }, effectHints: [hint] })] });
  const codes = (hint: string, effects: Effects, determinism: Determinism) =>
    findingsOf(single(hint, effects, determinism), { registry }).map((f) => f.code);

  for (const [hint, minEffects, maxDeterminism] of TABLE) {
    it(`${hint}: effects at least ${minEffects}, determinism at most ${maxDeterminism ?? "(any)"}`, () => {
      const limit = maxDeterminism ?? "strict";
      expect(codes(hint, minEffects, limit)).toEqual([]);
      const weaker = EFFECTS[EFFECTS.indexOf(minEffects) - 1];
      if (weaker !== undefined) expect(codes(hint, weaker, limit)).toEqual(["EFFECT201"]);
      const stronger = DETERMINISM[DETERMINISM.indexOf(limit) - 1];
      if (stronger !== undefined) expect(codes(hint, minEffects, stronger)).toEqual(["DET302"]);
    });
  }
});
