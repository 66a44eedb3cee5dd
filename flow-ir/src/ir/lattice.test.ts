import { describe, expect, it } from "vitest";
import { DETERMINISM, EFFECTS } from "./enums";
import { determinismAtMost, effectsAtLeast } from "./lattice";

describe("effects lattice: pure < read_only < effectful", () => {
  it("says whether declared effects cover the required ones, for every pair", () => {
    const table = EFFECTS.map((declared) => EFFECTS.map((required) => effectsAtLeast(declared, required)));
    expect(EFFECTS).toEqual(["pure", "read_only", "effectful"]);
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it("is a total order: reflexive, antisymmetric, transitive", () => {
    for (const a of EFFECTS) {
      expect(effectsAtLeast(a, a)).toBe(true);
      for (const b of EFFECTS) {
        if (a !== b) expect(effectsAtLeast(a, b) && effectsAtLeast(b, a)).toBe(false);
        expect(effectsAtLeast(a, b) || effectsAtLeast(b, a)).toBe(true);
        for (const c of EFFECTS)
          if (effectsAtLeast(a, b) && effectsAtLeast(b, c)) expect(effectsAtLeast(a, c)).toBe(true);
      }
    }
  });
});

describe("determinism lattice: strict > stable > best_effort > nondeterministic", () => {
  it("says whether a declared claim stays within the strongest allowed, for every pair", () => {
    const table = DETERMINISM.map((declared) => DETERMINISM.map((allowed) => determinismAtMost(declared, allowed)));
    expect(DETERMINISM).toEqual(["strict", "stable", "best_effort", "nondeterministic"]);
    // Rows: declared; columns: strongest allowed.
    expect(table).toEqual([
      [true, false, false, false],
      [true, true, false, false],
      [true, true, true, false],
      [true, true, true, true],
    ]);
  });

  it("is a total order: reflexive, antisymmetric, transitive", () => {
    for (const a of DETERMINISM) {
      expect(determinismAtMost(a, a)).toBe(true);
      for (const b of DETERMINISM) {
        if (a !== b) expect(determinismAtMost(a, b) && determinismAtMost(b, a)).toBe(false);
        expect(determinismAtMost(a, b) || determinismAtMost(b, a)).toBe(true);
        for (const c of DETERMINISM) {
          if (determinismAtMost(a, b) && determinismAtMost(b, c)) expect(determinismAtMost(a, c)).toBe(true);
        }
      }
    }
  });
});
