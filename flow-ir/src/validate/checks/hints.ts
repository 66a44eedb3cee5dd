import type { HintConstraint } from "../../hints/constraint";
import { DETERMINISM, EFFECTS } from "../../ir/enums";
import { determinismAtMost, effectsAtLeast } from "../../ir/lattice";
import type { Check } from "../context";

interface Rules {
  readonly effects: HintConstraint | undefined;
  readonly determinism: HintConstraint | undefined;
}

/** The strictest effects rule and the strictest determinism rule among a hint's constraints. */
function strictest(constraints: readonly HintConstraint[]): Rules {
  let effects: HintConstraint | undefined;
  let determinism: HintConstraint | undefined;
  for (const constraint of constraints) {
    if (
      constraint.minEffects !== undefined &&
      (effects?.minEffects === undefined ||
        EFFECTS.indexOf(constraint.minEffects) > EFFECTS.indexOf(effects.minEffects))
    ) {
      effects = constraint;
    }
    if (
      constraint.maxDeterminism !== undefined &&
      (determinism?.maxDeterminism === undefined ||
        DETERMINISM.indexOf(constraint.maxDeterminism) > DETERMINISM.indexOf(determinism.maxDeterminism))
    ) {
      determinism = constraint;
    }
  }
  return { effects, determinism };
}

/** Each distinct hint of a list once, with the position of its first mention. */
function* distinct(hints: readonly string[]): Generator<[string, number]> {
  for (let position = 0; position < hints.length; position += 1) {
    const hint = hints[position] as string;
    if (hints.indexOf(hint) === position) yield [hint, position];
  }
}

/** Same id, or one is the other's namespace (`resource::http` and `resource::http::read`). */
const related = (a: string, b: string) => a === b || a.startsWith(`${b}::`) || b.startsWith(`${a}::`);

/**
 * As Lattice (crates/kernel-plan `check_effect_conflicts` / `check_determinism_conflicts`):
 * EFFECT201 from `effectHints` against effects rules, DET302 from `determinismHints` against
 * determinism rules. A rule read across lists (a determinism limit registered for an effect
 * hint, or an effects floor for a determinism hint) is stricter than Lattice, so it is a
 * warning: DET303 / EFFECT202, and only when the other list carries no hint of that resource
 * (then the rule is checked there, as Lattice checks it).
 */
export const checkHints: Check = ({ flow, registry, report }) => {
  // Big flows repeat a handful of hints thousands of times: resolve each once.
  const rulesByHint = new Map<string, Rules>();
  const rulesFor = (hint: string) => {
    let rules = rulesByHint.get(hint);
    if (rules === undefined) {
      rules = strictest(registry.constraintsFor(hint));
      rulesByHint.set(hint, rules);
    }
    return rules;
  };
  flow.nodes.forEach((node, index) => {
    const effectsBelow = (
      rule: HintConstraint | undefined,
    ): rule is HintConstraint & Required<Pick<HintConstraint, "minEffects">> =>
      rule?.minEffects !== undefined && !effectsAtLeast(node.effects, rule.minEffects);
    const claimsTooMuch = (
      rule: HintConstraint | undefined,
    ): rule is HintConstraint & Required<Pick<HintConstraint, "maxDeterminism">> =>
      rule?.maxDeterminism !== undefined && !determinismAtMost(node.determinism, rule.maxDeterminism);

    for (const [hint, position] of distinct(node.effectHints)) {
      const { effects, determinism } = rulesFor(hint);
      const path = `/nodes/${index}/effectHints/${position}`;
      if (effectsBelow(effects)) {
        report({
          code: "EFFECT201",
          severity: "error",
          message: `node "${node.alias}" declares effects "${node.effects}" but hint "${hint}" requires at least "${effects.minEffects}": ${effects.guidance}`,
          path,
          node: node.alias,
          hint,
        });
      }
      if (claimsTooMuch(determinism) && !node.determinismHints.some((other) => related(hint, other))) {
        report({
          code: "DET303",
          severity: "warning",
          message: `node "${node.alias}" claims determinism "${node.determinism}" but effect hint "${hint}" allows at most "${determinism.maxDeterminism}" (Lattice reads determinism only from determinismHints, so this is a warning): ${determinism.guidance}`,
          path,
          node: node.alias,
          hint,
        });
      }
    }
    for (const [hint, position] of distinct(node.determinismHints)) {
      const { effects, determinism } = rulesFor(hint);
      const path = `/nodes/${index}/determinismHints/${position}`;
      if (claimsTooMuch(determinism)) {
        report({
          code: "DET302",
          severity: "error",
          message: `node "${node.alias}" claims determinism "${node.determinism}" but hint "${hint}" allows at most "${determinism.maxDeterminism}": ${determinism.guidance}`,
          path,
          node: node.alias,
          hint,
        });
      }
      if (effectsBelow(effects) && !node.effectHints.some((other) => related(hint, other))) {
        report({
          code: "EFFECT202",
          severity: "warning",
          message: `node "${node.alias}" declares effects "${node.effects}" but determinism hint "${hint}" requires at least "${effects.minEffects}" (Lattice reads effects only from effectHints, so this is a warning): ${effects.guidance}`,
          path,
          node: node.alias,
          hint,
        });
      }
    }
  });
};
