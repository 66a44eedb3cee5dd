import { type CapClock, CapError, callOperation, checkLimit, checkPrefix, systemCapClock } from "@flows/caps";
import type { KvApi, KvListOptions, KvProvider, KvPutOptions, KvValueType } from "./api";
import { checkKvKey, checkKvPutOptions, checkKvValue, KV_KEY, KV_LIMITS } from "./limits";

const TYPES: readonly KvValueType[] = ["text", "json", "bytes"];

function checkType(type: unknown): KvValueType {
  if (type === undefined || type === "text") return "text";
  if (TYPES.includes(type as KvValueType)) return type as KvValueType;
  throw new CapError("CAP400", `type must be one of ${TYPES.join(", ")}, got ${String(type)}`, { type });
}

/**
 * The API nodes call over any KV provider: arguments are checked here, once, so every
 * provider refuses the same keys with the same codes; provider failures become CapErrors.
 */
export function createKvApi(provider: KvProvider): KvApi {
  const clock: CapClock = provider.clock ?? systemCapClock;
  const api = {
    get: (key: string, type?: KvValueType) =>
      callOperation("kv.get", key, () => provider.get(checkKvKey(key), checkType(type))),
    getWithMetadata: (key: string, type?: KvValueType) =>
      callOperation("kv.getWithMetadata", key, () => provider.getWithMetadata(checkKvKey(key), checkType(type))),
    put: (key: string, value: string | Uint8Array, options: KvPutOptions = {}) =>
      callOperation("kv.put", key, () => {
        checkKvKey(key);
        checkKvValue(key, value);
        checkKvPutOptions(key, options, clock);
        return provider.put(key, value, options);
      }),
    delete: (key: string) => callOperation("kv.delete", key, () => provider.delete(checkKvKey(key))),
    list: (options: KvListOptions = {}) =>
      callOperation("kv.list", undefined, () => {
        const prefix = checkPrefix(options.prefix, KV_KEY);
        const limit = checkLimit(options.limit, "list limit", KV_LIMITS.listLimit, KV_LIMITS.listLimit);
        return provider.list({
          limit,
          ...(prefix === undefined ? {} : { prefix }),
          ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
        });
      }),
  };
  // One implementation serves every overload of get/getWithMetadata; `type` picks the result.
  return api as KvApi;
}
