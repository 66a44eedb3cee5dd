import { DETERMINISM, type Determinism, type DiagnosticCode, EFFECTS, type Effects } from "@flows/flow-ir";
import { flow, node } from "../support/flows";
import { seededRandom } from "../support/random";
import type { ConformanceCase } from "./case";
import { DETERMINISM_UNIVERSE, EFFECT_UNIVERSE, LATTICE_REGISTRIES } from "./registries";

// crates/kernel-plan/src/lib.rs `fuzz_registry_hint_enforcement`: after `register_all_hints()`,
// one node "entry" with effect hints from the effects registry and determinism hints from the
// determinism registry; its verdict is the test's own oracle: EFFECT201 when the declared
// effects are below the strongest minimum of its effect hints, DET302 when the declared
// determinism claims more than the weakest minimum of its determinism hints, Ok otherwise.
// Proptest draws 64 cases; here every single-hint combination with every level is checked,
// then 64 seeded draws of up to three hints per list, as the test draws them.

const registry = LATTICE_REGISTRIES.all;

function firstRule(hint: string, field: "minEffects" | "maxDeterminism") {
  // Lattice's `constraint_for_hint` returns the first registered rule that matches.
  return registry.constraints.find(
    (rule) => rule[field] !== undefined && (hint === rule.hint || hint.startsWith(rule.hint)),
  )?.[field];
}

function oracle(
  effectHints: readonly string[],
  determinismHints: readonly string[],
  effects: Effects,
  determinism: Determinism,
) {
  const errors: DiagnosticCode[] = [];
  const requiredEffects = effectHints
    .map((hint) => firstRule(hint, "minEffects") as Effects | undefined)
    .reduce<number>((most, level) => (level === undefined ? most : Math.max(most, EFFECTS.indexOf(level))), -1);
  if (requiredEffects >= 0 && EFFECTS.indexOf(effects) < requiredEffects) errors.push("EFFECT201");
  const allowed = determinismHints
    .map((hint) => firstRule(hint, "maxDeterminism") as Determinism | undefined)
    .reduce<number>((most, level) => (level === undefined ? most : Math.max(most, DETERMINISM.indexOf(level))), -1);
  if (allowed >= 0 && DETERMINISM.indexOf(determinism) < allowed) errors.push("DET302");
  return errors;
}

function fuzzCase(
  label: string,
  effectHints: readonly string[],
  determinismHints: readonly string[],
  effects: Effects,
  determinism: Determinism,
): ConformanceCase {
  const document = flow({
    id: "prop_validation",
    name: "prop_validation",
    version: "0.0.1",
    profile: "web",
    nodes: [
      node("entry", {
        effects,
        determinism,
        effectHints: [...effectHints],
        determinismHints: [...determinismHints],
        // The test sets idempotency on effectful nodes so DAG004 stays out of it.
        ...(effects === "effectful" ? { idempotency: { key: "prop.case", scope: "node", ttlMs: 300_000 } } : {}),
      }),
    ],
  });
  return {
    source: "kernel-plan unit tests",
    file: "crates/kernel-plan/src/lib.rs",
    test: `fuzz_registry_hint_enforcement ${label}`,
    registry: "all",
    document,
    errors: oracle(effectHints, determinismHints, effects, determinism),
  };
}

const dedup = (hints: string[]) => [...new Set(hints)].sort();

function enumerated(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const effectHint of [undefined, ...EFFECT_UNIVERSE]) {
    for (const determinismHint of [undefined, ...DETERMINISM_UNIVERSE]) {
      for (const effects of EFFECTS) {
        for (const determinism of DETERMINISM) {
          const e = effectHint === undefined ? [] : [effectHint];
          const d = determinismHint === undefined ? [] : [determinismHint];
          cases.push(fuzzCase(`[${e}] [${d}] ${effects} ${determinism}`, e, d, effects, determinism));
        }
      }
    }
  }
  return cases;
}

function drawn(seed: number, count: number): ConformanceCase[] {
  const random = seededRandom(seed);
  const draw = (universe: readonly string[]) =>
    dedup(Array.from({ length: random.int(4) }, () => random.pick(universe)));
  return Array.from({ length: count }, (_, index) => {
    const effectHints = draw(EFFECT_UNIVERSE);
    const determinismHints = draw(DETERMINISM_UNIVERSE);
    return fuzzCase(`draw #${index}`, effectHints, determinismHints, random.pick(EFFECTS), random.pick(DETERMINISM));
  });
}

export const FUZZ_CASES: readonly ConformanceCase[] = [...enumerated(), ...drawn(20_261_203, 64)];
