import { DETERMINISM, type Determinism, EFFECTS, type Effects } from "./enums";

/** `pure < read_only < effectful`: true when `declared` covers at least `required`. */
export function effectsAtLeast(declared: Effects, required: Effects): boolean {
  return EFFECTS.indexOf(declared) >= EFFECTS.indexOf(required);
}

/**
 * Determinism is a claim, strongest first (`strict > stable > best_effort > nondeterministic`):
 * true when `declared` claims no more than `strongestAllowed`.
 */
export function determinismAtMost(declared: Determinism, strongestAllowed: Determinism): boolean {
  return DETERMINISM.indexOf(declared) >= DETERMINISM.indexOf(strongestAllowed);
}
