import type { HintConstraint } from "../../hints/constraint";
import { forEachNodeHint } from "../../hints/node-hints";
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

/**
 * EFFECT201 and DET302: each hint a node carries (in either hint list) brings the
 * constraints registered for it and its ancestors; the node's declarations must meet them.
 */
export const checkHints: Check = ({ flow, registry, report }) => {
  // Big flows repeat a handful of hints thousands of times: resolve each once.
  const rulesByHint = new Map<string, Rules>();
  flow.nodes.forEach((node, index) => {
    forEachNodeHint(node, index, (hint, path) => {
      let rules = rulesByHint.get(hint);
      if (rules === undefined) {
        rules = strictest(registry.constraintsFor(hint));
        rulesByHint.set(hint, rules);
      }
      const effectRule = rules.effects;
      if (effectRule?.minEffects && !effectsAtLeast(node.effects, effectRule.minEffects)) {
        report({
          code: "EFFECT201",
          severity: "error",
          message: `node "${node.alias}" declares effects "${node.effects}" but hint "${hint}" requires at least "${effectRule.minEffects}": ${effectRule.guidance}`,
          path: path(),
          node: node.alias,
          hint,
        });
      }
      const determinismRule = rules.determinism;
      if (determinismRule?.maxDeterminism && !determinismAtMost(node.determinism, determinismRule.maxDeterminism)) {
        report({
          code: "DET302",
          severity: "error",
          message: `node "${node.alias}" claims determinism "${node.determinism}" but hint "${hint}" allows at most "${determinismRule.maxDeterminism}": ${determinismRule.guidance}`,
          path: path(),
          node: node.alias,
          hint,
        });
      }
    });
  });
};
