import { resolvePointer } from "@flows/flow-ir";

/** Reads the value a selector points at in a node's output; a missing path reads as undefined. */
export function select(value: unknown, pointer: string): unknown {
  const found = resolvePointer(value, pointer);
  return found.found ? found.value : undefined;
}
