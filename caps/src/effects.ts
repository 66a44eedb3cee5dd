import type { EffectScope } from "@flows/kernel";

/** The record id of one write on a transactional store, and how long the record is kept. */
export interface EffectId {
  readonly id: string;
  readonly ttlMs: number;
}

/**
 * Hands out the ids of one node attempt's writes in call order (`<key>#1`, `<key>#2`, …). A
 * re-execution of the node with the same idempotency key makes the same calls in the same order
 * and so meets the records of the writes an earlier execution already made.
 */
export interface EffectIds {
  next(): EffectId;
}

export function createEffectIds(scope: EffectScope): EffectIds {
  let count = 0;
  return {
    next() {
      count += 1;
      return { id: `${scope.key}#${count}`, ttlMs: scope.ttlMs };
    },
  };
}

/**
 * A bound API that can record its writes carries this method: it answers the same API with
 * every write recorded under `ids`. `scopeCapabilities` uses it for exactly-once executions;
 * nodes never see it (a scoped view copies operations only).
 */
export const WITH_EFFECTS: unique symbol = Symbol.for("flows.caps.with-effects");

export interface RecordsEffects<Api> {
  readonly [WITH_EFFECTS]: (ids: EffectIds) => Api;
}

export function recordsEffects<Api extends object>(api: Api): api is Api & RecordsEffects<Api> {
  return typeof (api as Partial<RecordsEffects<Api>>)[WITH_EFFECTS] === "function";
}
