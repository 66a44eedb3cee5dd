import type { AnyCapability, ApiOf, GrantedOperations, OperationSpec, OperationsOf } from "@flows/caps";
import { DefinitionError } from "./errors";
import { callerLocation } from "./location";

/** `resource::kv::write` → `write`; `resource::dedupe` → `dedupe`. */
export type LastSegment<H extends string> = H extends `${string}::${infer Rest}` ? LastSegment<Rest> : H;

/** The hint each operation of capability `C` implies. */
export type OperationHints<C extends AnyCapability> = {
  [O in keyof OperationsOf<C>]: OperationsOf<C>[O] extends { readonly hint: infer H extends string } ? H : never;
}[keyof OperationsOf<C>];

/** The accesses a capability offers, named by the last segment of its operations' hints. */
export type AccessOf<C extends AnyCapability> = LastSegment<OperationHints<C>>;

/** The hints that the accesses `A` of capability `C` stand for. */
export type HintsOf<C extends AnyCapability, A extends string> = {
  [O in keyof OperationsOf<C>]: OperationsOf<C>[O] extends { readonly hint: infer H extends string }
    ? LastSegment<H> extends A
      ? H
      : never
    : never;
}[keyof OperationsOf<C>];

/**
 * A node's use of one capability with the accesses it needs. Its `api` type is what the node
 * sees as `ctx.caps[name]`: exactly the operations those accesses grant.
 */
export interface CapabilityUse<Name extends string = string, Api = unknown, Hint extends string = string> {
  readonly capability: AnyCapability;
  readonly name: Name;
  readonly access: readonly string[];
  /** The hints the accesses stand for, from the capability's operation table, sorted. */
  readonly hints: readonly Hint[];
  /** Type only: the scoped API. */
  readonly api?: Api;
}

export type AnyUse = CapabilityUse<string, unknown, string>;

/** `ctx.caps` of a node that declared `U`. */
export type CapsOf<U extends readonly AnyUse[]> = {
  readonly [X in U[number] as X["name"]]: NonNullable<X["api"]>;
};

/**
 * Declares that a node uses `capability` with the given accesses, e.g.
 * `use(kvCapability, "read", "write")`. The hints come from the capability's own operation
 * table, the same one that scopes `ctx.caps` at run time and registers the validator's rules.
 */
export function use<C extends AnyCapability, const A extends readonly [AccessOf<C>, ...AccessOf<C>[]]>(
  capability: C,
  ...access: A
): CapabilityUse<C["name"], Pick<ApiOf<C>, GrantedOperations<C, HintsOf<C, A[number]>>>, HintsOf<C, A[number]>> {
  const operations = capability.operations as Readonly<Record<string, OperationSpec>>;
  const offered = new Map<string, string>();
  for (const spec of Object.values(operations)) offered.set(lastSegment(spec.hint), spec.hint);
  const hints = new Set<string>();
  for (const name of access as readonly string[]) {
    const hint = offered.get(name);
    if (hint === undefined) {
      throw new DefinitionError(
        "DEF104",
        `capability "${capability.name}" offers no access "${name}": use one of ${[...offered.keys()].map((a) => `"${a}"`).join(", ")}`,
        { capability: capability.name, access: name },
        callerLocation(),
      );
    }
    hints.add(hint);
  }
  return Object.freeze({
    capability,
    name: capability.name,
    access: Object.freeze([...new Set(access as readonly string[])]),
    hints: Object.freeze([...hints].sort()) as readonly HintsOf<C, A[number]>[],
  });
}

export function lastSegment(hint: string): string {
  const cut = hint.lastIndexOf("::");
  return cut < 0 ? hint : hint.slice(cut + 2);
}
