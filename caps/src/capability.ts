import type { HintConstraint } from "@flows/flow-ir";

/**
 * What a capability package declares about its hints as plain data. Every capability has this
 * part; the validator needs nothing else.
 */
export interface CapabilityDescriptor {
  readonly name: string;
  readonly summary: string;
  readonly hints: readonly HintConstraint[];
}

/** One operation a node may call: the hint it implies, and whether repeating it is harmless. */
export interface OperationSpec {
  readonly hint: string;
  /** Repeating the call with the same arguments leaves the same state (safe to retry on a bus). */
  readonly idempotent: boolean;
}

export type OperationTable<Api> = { readonly [K in keyof Api]: OperationSpec };

/**
 * A capability: name, hints, typed operations and the provider kinds it can run on. `bind`
 * turns what a provider offers into the API nodes call, adding the checks every provider
 * shares (key rules, size limits) and turning provider failures into coded errors.
 */
export interface Capability<
  Name extends string = string,
  Api extends object = object,
  Ops extends OperationTable<Api> = OperationTable<Api>,
  Provider = unknown,
> extends CapabilityDescriptor {
  readonly name: Name;
  readonly operations: Ops;
  /** Provider kinds this capability knows, e.g. "cloudflare.kv", "opendal.fs", "memory". */
  readonly providerKinds: readonly string[];
  bind(provider: Provider): Api;
}

// `bind` is a method so that capabilities with different provider types still share this
// bound (method parameters are checked bivariantly).
export type AnyCapability = Capability<string, object, OperationTable<object>, never>;

export type ApiOf<C> = C extends { bind(provider: never): infer Api } ? Api : never;
export type OperationsOf<C> = C extends { readonly operations: infer Ops } ? Ops : never;
export type ProviderOf<C> = C extends { bind(provider: infer Provider): unknown } ? Provider : never;

/** Builds hint rows that all name the same capability, so each row stays one line of data. */
export function capabilityHints(
  capability: string,
  rows: readonly Omit<HintConstraint, "capability" | "source">[],
): HintConstraint[] {
  return rows.map((row) => ({ ...row, capability, source: capability }));
}
