import { normalizeHintId } from "@flows/flow-ir";

/**
 * How declared hints grant operations. An operation implies one hint (`resource::kv::write`);
 * a node may call it when it declares that hint or one beneath it (`resource::kv::write::orders`),
 * because the validator then applies the operation's constraints to what the node declared.
 * A broader hint (`resource::kv`) grants nothing: the constraints registered on
 * `resource::kv::write` would not apply to it, so granting writes would let a node that claims
 * `pure` and `strict` write state.
 */
export function hintCovers(declared: string, operationHint: string): boolean {
  const id = normalizeHintId(declared);
  const wanted = normalizeHintId(operationHint);
  return id === wanted || id.startsWith(`${wanted}::`);
}

/** The type-level twin of `hintCovers`: true when some hint in `Declared` grants `OperationHint`. */
export type Covers<Declared extends string, OperationHint extends string> = Declared extends
  | OperationHint
  | `${OperationHint}::${string}`
  ? true
  : never;
