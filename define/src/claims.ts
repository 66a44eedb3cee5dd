import {
  BUILTIN_HINTS,
  createHintRegistry,
  DETERMINISM,
  type Determinism,
  EFFECTS,
  type Effects,
  type HintRegistry,
} from "@flows/flow-ir";
import type { AnyUse } from "./use";

export interface Claims {
  readonly effects: Effects;
  readonly determinism: Determinism;
  readonly effectHints: readonly string[];
  readonly determinismHints: readonly string[];
}

/** The validator's table: built-in rules plus those of every capability a node uses. */
export function registryFor(uses: readonly AnyUse[], base: HintRegistry = createHintRegistry(BUILTIN_HINTS)) {
  const seen = new Set<string>();
  const more = uses
    .map((u) => u.capability)
    .filter((capability) => {
      if (seen.has(capability.name) || base.constraints.some((c) => c.source === capability.name)) return false;
      seen.add(capability.name);
      return true;
    })
    .flatMap((capability) => capability.hints);
  return more.length === 0 ? base : base.with(more);
}

/**
 * The weakest claims the rules allow for these hints: effects at least every rule's minimum,
 * determinism at most every rule's maximum. A hint goes to `effectHints` when a rule bounds
 * effects, to `determinismHints` when a rule bounds determinism (Lattice reads each list for
 * its own check); a hint no rule knows stays in `effectHints` so the validator reports it.
 */
export function deriveClaims(hints: readonly string[], registry: HintRegistry): Claims {
  let effects = 0;
  let determinism = 0;
  const effectHints: string[] = [];
  const determinismHints: string[] = [];
  for (const hint of hints) {
    const rules = registry.constraintsFor(hint);
    let bindsEffects = rules.length === 0;
    let bindsDeterminism = false;
    for (const rule of rules) {
      if (rule.minEffects !== undefined) {
        bindsEffects = true;
        effects = Math.max(effects, EFFECTS.indexOf(rule.minEffects));
      }
      if (rule.maxDeterminism !== undefined) {
        bindsDeterminism = true;
        determinism = Math.max(determinism, DETERMINISM.indexOf(rule.maxDeterminism));
      }
    }
    if (bindsEffects && !effectHints.includes(hint)) effectHints.push(hint);
    if (bindsDeterminism && !determinismHints.includes(hint)) determinismHints.push(hint);
  }
  return {
    effects: EFFECTS[effects] as Effects,
    determinism: DETERMINISM[determinism] as Determinism,
    effectHints,
    determinismHints,
  };
}
