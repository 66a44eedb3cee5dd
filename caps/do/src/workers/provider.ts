import { CapError, type EffectId, type ProviderPlugin } from "@flows/caps";
import type { DoProvider, LedgerEntry, Reservation } from "../api";
import type { EffectArg, FlowStateNamespaceLike } from "./binding";

const absentAsUndefined = (value: string | null) => value ?? undefined;
const effectArg = (effect: EffectId | undefined): EffectArg =>
  effect === undefined ? null : { id: effect.id, ttlMs: effect.ttlMs };

/**
 * Durable Object semantics on the real thing: one `FlowStateObject` per state key, per
 * sequence and per dedupe key (addressed by name), so each has a single writer and unrelated
 * keys never queue behind one another. `update` hands the change function to the object over
 * RPC; the object calls it back while it holds the key, so racing updates queue instead of
 * retrying (100 racing writers cost 100 round trips, not the ~5000 a compare-and-set loop needs).
 */
export function createCloudflareDoProvider(namespace: FlowStateNamespaceLike): DoProvider {
  const state = (key: string) => namespace.getByName(`state:${key}`);
  const ledger = (key: string) => namespace.getByName(`dedupe:${key}`);
  return {
    get: (key) => state(key).stateGet(key).then(absentAsUndefined),
    put: (key, json, effect) => state(key).statePut(key, json, effectArg(effect)),
    delete: (key, effect) => state(key).stateDelete(key, effectArg(effect)),
    async compareAndSet(key, expected, next, effect) {
      const outcome = await state(key).stateCompareAndSet(key, expected ?? null, next, effectArg(effect));
      if (outcome === true) return { ok: true };
      if (outcome !== null && typeof outcome === "object") return { ok: true, written: outcome.written };
      return { ok: false, current: outcome ?? undefined };
    },
    async update(key, change, effect) {
      // A failing change answers null (write nothing) and its error is rethrown here, so the
      // error keeps its code instead of crossing RPC as a plain Error.
      let failure: { error: unknown } | undefined;
      const callback = (current: string | null) => {
        try {
          return change(current ?? undefined);
        } catch (error) {
          failure = { error };
          return null;
        }
      };
      const written = await state(key).stateUpdate(key, callback, effectArg(effect));
      if (failure) throw failure.error;
      if (written === null) throw new CapError("CAP500", `update of "${key}" wrote nothing`, { key });
      return written;
    },
    next: (name, effect) => namespace.getByName(`sequence:${name}`).sequenceNext(name, effectArg(effect)),
    async reserve(key, owner, ttlMs) {
      return JSON.parse(await ledger(key).ledgerReserve(key, owner, ttlMs)) as Reservation;
    },
    complete: (key, owner, resultJson, ttlMs) => ledger(key).ledgerComplete(key, owner, resultJson, ttlMs),
    release: (key, owner) => ledger(key).ledgerRelease(key, owner),
    async lookup(key) {
      const entry = await ledger(key).ledgerLookup(key);
      return entry === null ? undefined : (JSON.parse(entry) as LedgerEntry);
    },
  };
}

export const cloudflareDoProvider: ProviderPlugin<DoProvider> = {
  kind: "cloudflare.do",
  capability: "do",
  needsBinding: true,
  create({ binding, bindingName }) {
    if (binding === null || typeof binding !== "object" || !("getByName" in binding)) {
      throw new CapError("DAG203", `binding "${bindingName ?? ""}" is not a Durable Object namespace`, {
        binding: bindingName,
      });
    }
    return createCloudflareDoProvider(binding as FlowStateNamespaceLike);
  },
};
