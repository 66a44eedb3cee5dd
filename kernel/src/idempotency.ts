import type { NodeIR } from "@flows/flow-ir";
import { KernelError } from "./errors";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A field of the input, or of one of the values when the input is keyed by predecessor. */
function lookup(input: unknown, field: string, keyedByPredecessor: boolean): unknown {
  if (!isRecord(input)) return undefined;
  if (keyedByPredecessor) {
    for (const value of Object.values(input)) {
      if (isRecord(value) && field in value) return value[field];
    }
  }
  return input[field];
}

/**
 * Resolves a Lattice idempotency key template (`"customer_id:window_start"`: input fields
 * joined by ":") into the concrete key of one execution, namespaced by flow and node so two
 * nodes with the same template never share a key.
 */
export function resolveIdempotencyKey(
  flowId: string,
  node: NodeIR,
  input: unknown,
  keyedByPredecessor: boolean,
): string | undefined {
  const template = node.idempotency?.key;
  if (template === undefined || template === null || template === "") return undefined;
  const parts = template.split(":").map((field) => {
    const value = lookup(input, field, keyedByPredecessor);
    if (value === undefined || value === null || typeof value === "object") {
      throw new KernelError(
        "IDEM001",
        `node "${node.alias}" declares idempotency key "${template}" but its input has no scalar field "${field}": pass that field to the node or change the key`,
        { node: node.alias, field },
      );
    }
    return String(value);
  });
  return `${flowId}/${node.alias}/${parts.join(":")}`;
}
