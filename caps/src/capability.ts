import type { HintConstraint } from "@flows/flow-ir";

/**
 * What a capability package declares about itself as plain data. Operations and providers
 * join this shape when capabilities gain their runtime side; the hints are enough for the
 * validator to enforce them today.
 */
export interface CapabilityDescriptor {
  readonly name: string;
  readonly summary: string;
  readonly hints: readonly HintConstraint[];
}

/** Builds hint rows that all name the same capability, so each row stays one line of data. */
export function capabilityHints(
  capability: string,
  rows: readonly Omit<HintConstraint, "capability" | "source">[],
): HintConstraint[] {
  return rows.map((row) => ({ ...row, capability, source: capability }));
}
