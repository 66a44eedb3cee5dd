import type { EffectScope } from "@flows/kernel";
import type { AnyCapability, ApiOf, OperationSpec, OperationsOf } from "./capability";
import { createEffectIds, recordsEffects, WITH_EFFECTS } from "./effects";
import { CapError } from "./errors";
import { type Covers, hintCovers } from "./hint-match";
import type { ResolvedCapabilities } from "./resolve";

/** The operations of capability `C` that the hints `H` grant. */
export type GrantedOperations<C extends AnyCapability, H extends string> = {
  [O in keyof OperationsOf<C>]: OperationsOf<C>[O] extends { readonly hint: infer Hint extends string }
    ? [Covers<H, Hint>] extends [never]
      ? never
      : O
    : never;
}[keyof OperationsOf<C>] &
  keyof ApiOf<C>;

/**
 * What a node that declared hints `H` sees: only the capabilities it declared a hint of, and
 * of each only the granted operations. Calling anything else does not typecheck.
 */
export type ScopedCapabilities<C extends AnyCapability, H extends string> = {
  readonly [K in C as [GrantedOperations<K, H>] extends [never] ? never : K["name"]]: Pick<
    ApiOf<K>,
    GrantedOperations<K, H>
  >;
};

function refuse(capability: string, operation: string, spec: OperationSpec, declared: readonly string[]) {
  return () =>
    Promise.reject(
      new CapError(
        "CAP403",
        `operation ${capability}.${operation} needs hint "${spec.hint}", which this node does not declare: add it to the node's effectHints`,
        { capability, operation, hint: spec.hint, declared },
      ),
    );
}

/**
 * Narrows the resolved capabilities to what one node declared. Undeclared operations are
 * still present at run time but reject with CAP403, so code that slips past the types (plain
 * JavaScript, casts) gets a coded error rather than "undefined is not a function".
 *
 * With `effects` (an exactly-once execution), capabilities that can record their writes do so
 * under ids drawn from its key, one id sequence per call of this function (one node attempt).
 */
export function scopeCapabilities<C extends AnyCapability, const H extends readonly string[]>(
  resolved: ResolvedCapabilities<C>,
  declaredHints: H,
  effects?: EffectScope,
): ScopedCapabilities<C, H[number]> {
  const scoped: Record<string, object> = {};
  const ids = effects === undefined ? undefined : createEffectIds(effects);
  const apis = resolved.apis as Readonly<Record<string, Record<string, unknown> | undefined>>;
  for (const capability of resolved.registry.capabilities) {
    const shared = apis[capability.name];
    if (!shared) continue;
    const api = ids !== undefined && recordsEffects(shared) ? shared[WITH_EFFECTS](ids) : shared;
    const view: Record<string, unknown> = {};
    const operations = capability.operations as Readonly<Record<string, OperationSpec>>;
    for (const [operation, spec] of Object.entries(operations)) {
      const method = api[operation];
      const granted = declaredHints.some((hint) => hintCovers(hint, spec.hint));
      view[operation] =
        granted && typeof method === "function"
          ? method.bind(api)
          : refuse(capability.name, operation, spec, declaredHints);
    }
    scoped[capability.name] = Object.freeze(view);
  }
  return Object.freeze(scoped) as ScopedCapabilities<C, H[number]>;
}
