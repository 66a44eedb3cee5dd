import type { NodeIR } from "@flows/flow-ir";
import type { Router } from "./surfaces";

/**
 * How a node's input is made from what its predecessors delivered. The scheduler builds inputs
 * with these as a run goes, and the run view rebuilds them from the journal with the same ones,
 * so what an inspector shows is what the node got.
 */

/** The successors that `routers` (if/switch) keep `output` from, or undefined when all get it. */
export function unchosenBranches(routers: readonly Router[], output: unknown): Set<string> | undefined {
  let dead: Set<string> | undefined;
  for (const router of routers) {
    const chosen = router.choose(output);
    for (const branch of router.branches) {
      if (!chosen.has(branch)) {
        dead ??= new Set();
        dead.add(branch);
      }
    }
  }
  return dead;
}

/** A node with several predecessors gets an object keyed by the aliases that delivered, in order of delivery. */
export function joinedValue(delivered: ReadonlyMap<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(delivered);
}

/**
 * What a node without predecessors starts with: the invoked trigger gets the payload, other
 * triggers stay silent (skipped), any other root runs without input.
 */
export function rootInput(
  node: Pick<NodeIR, "alias" | "kind">,
  trigger: string,
  payload: unknown,
): { readonly skipped: true } | { readonly skipped: false; readonly value: unknown } {
  if (node.alias === trigger) return { skipped: false, value: payload };
  if (node.kind === "trigger") return { skipped: true };
  return { skipped: false, value: undefined };
}
