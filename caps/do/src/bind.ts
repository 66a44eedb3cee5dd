import { callOperation, type EffectId, type EffectIds, type JsonValue, WITH_EFFECTS } from "@flows/caps";
import type { DoApi, DoProvider } from "./api";
import { checkDedupeKey, checkOwner, checkSequence, checkStateKey, checkTtl, toStoredJson } from "./limits";
import { updateByCompareAndSet } from "./update";

const parse = <T>(text: string | undefined): T | undefined =>
  text === undefined ? undefined : (JSON.parse(text) as T);

/**
 * The API nodes call over any Durable Object provider: checks keys, owners, TTLs and values
 * once, turns values into canonical JSON text for the provider, and failures into CapErrors.
 * Given `effects` (an exactly-once execution), every state write and sequence step carries
 * the next effect id, so the provider commits it together with its record.
 */
export function createDoApi(provider: DoProvider, effects?: EffectIds): DoApi {
  const effect = (): EffectId | undefined => effects?.next();
  const api: DoApi & { [WITH_EFFECTS]: (ids: EffectIds) => DoApi } = {
    get: <T extends JsonValue>(key: string) =>
      callOperation("do.get", key, () => provider.get(checkStateKey(key)), parse<T>),
    put: (key, value) =>
      callOperation("do.put", key, () => provider.put(checkStateKey(key), toStoredJson(key, value), effect())),
    delete: (key) => callOperation("do.delete", key, () => provider.delete(checkStateKey(key), effect())),
    update: <T extends JsonValue>(key: string, change: (current: T | undefined) => T) =>
      callOperation(
        "do.update",
        key,
        () => {
          checkStateKey(key);
          // A change that returns something JSON cannot hold throws here, before anything is written.
          const apply = (text: string | undefined) => toStoredJson(key, change(parse<T>(text)));
          const id = effect();
          return provider.update ? provider.update(key, apply, id) : updateByCompareAndSet(provider, key, apply, id);
        },
        (written) => JSON.parse(written) as T,
      ),
    compareAndSet: (key, expected, next) =>
      callOperation("do.compareAndSet", key, async () => {
        checkStateKey(key);
        const expectedText = expected === undefined ? undefined : toStoredJson(key, expected);
        return (await provider.compareAndSet(key, expectedText, toStoredJson(key, next), effect())).ok;
      }),
    next: (sequence) => callOperation("do.next", sequence, () => provider.next(checkSequence(sequence), effect())),
    reserve: (key, owner, ttlMs) =>
      callOperation("do.reserve", key, () => provider.reserve(checkDedupeKey(key), checkOwner(owner), checkTtl(ttlMs))),
    complete: (key, owner, result, ttlMs) =>
      callOperation("do.complete", key, () =>
        provider.complete(checkDedupeKey(key), checkOwner(owner), toStoredJson(key, result ?? null), checkTtl(ttlMs)),
      ),
    release: (key, owner) =>
      callOperation("do.release", key, () => provider.release(checkDedupeKey(key), checkOwner(owner))),
    lookup: (key) => callOperation("do.lookup", key, () => provider.lookup(checkDedupeKey(key))),
    [WITH_EFFECTS]: (ids) => createDoApi(provider, ids),
  };
  return api;
}
