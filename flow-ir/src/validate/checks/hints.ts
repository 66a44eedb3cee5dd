import { DETERMINISM, EFFECTS } from "../../ir/enums";
import { determinismAtMost, effectsAtLeast } from "../../ir/lattice";
import type { Check } from "../context";
import { nodeHints } from "../context";

/**
 * EFFECT201 and DET302: each hint a node carries (in either hint list) brings the
 * constraints registered for it and its ancestors; the node's declarations must meet them.
 */
export const checkHints: Check = ({ flow, registry, report }) => {
  flow.nodes.forEach((node, index) => {
    for (const { hint, path } of nodeHints(node, index)) {
      const constraints = registry.constraintsFor(hint);
      if (constraints.length === 0) continue;

      const effectRule = constraints
        .filter((c) => c.minEffects !== undefined)
        .sort((a, b) => EFFECTS.indexOf(b.minEffects ?? "pure") - EFFECTS.indexOf(a.minEffects ?? "pure"))[0];
      if (effectRule?.minEffects && !effectsAtLeast(node.effects, effectRule.minEffects)) {
        report({
          code: "EFFECT201",
          severity: "error",
          message: `node "${node.alias}" declares effects "${node.effects}" but hint "${hint}" requires at least "${effectRule.minEffects}": ${effectRule.guidance}`,
          path,
          node: node.alias,
          hint,
        });
      }

      const determinismRule = constraints
        .filter((c) => c.maxDeterminism !== undefined)
        .sort(
          (a, b) =>
            DETERMINISM.indexOf(b.maxDeterminism ?? "strict") - DETERMINISM.indexOf(a.maxDeterminism ?? "strict"),
        )[0];
      if (determinismRule?.maxDeterminism && !determinismAtMost(node.determinism, determinismRule.maxDeterminism)) {
        report({
          code: "DET302",
          severity: "error",
          message: `node "${node.alias}" claims determinism "${node.determinism}" but hint "${hint}" allows at most "${determinismRule.maxDeterminism}": ${determinismRule.guidance}`,
          path,
          node: node.alias,
          hint,
        });
      }
    }
  });
};
