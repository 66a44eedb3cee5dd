import { CapError, type JsonValue, type ProviderPlugin } from "@flows/caps";
import type { KvListKey, KvProvider, KvValueType } from "../api";
import type { KvNamespaceLike } from "./binding";

const bytesOf = (buffer: ArrayBuffer | null) => (buffer === null ? null : new Uint8Array(buffer));

/** KV on a Workers KVNamespace binding: each call goes straight to the binding. */
export function createCloudflareKvProvider(binding: KvNamespaceLike): KvProvider {
  return {
    async get(key, type: KvValueType) {
      if (type === "text") return binding.get(key, "text");
      if (type === "json") return binding.get(key, "json");
      return bytesOf(await binding.get(key, "arrayBuffer"));
    },
    async getWithMetadata(key, type: KvValueType) {
      if (type === "bytes") {
        const { value, metadata } = await binding.getWithMetadata(key, "arrayBuffer");
        return { value: bytesOf(value), metadata: (metadata ?? null) as JsonValue | null };
      }
      const { value, metadata } =
        type === "json" ? await binding.getWithMetadata(key, "json") : await binding.getWithMetadata(key, "text");
      return { value: value ?? null, metadata: (metadata ?? null) as JsonValue | null };
    },
    put: (key, value, options) => binding.put(key, value, options),
    delete: (key) => binding.delete(key),
    async list({ prefix, cursor, limit }) {
      const page = await binding.list({ limit, ...(prefix === undefined ? {} : { prefix }), cursor: cursor ?? null });
      const keys = page.keys.map(
        ({ name, expiration, metadata }): KvListKey => ({
          name,
          ...(expiration === undefined ? {} : { expiration }),
          ...(metadata === undefined || metadata === null ? {} : { metadata: metadata as JsonValue }),
        }),
      );
      return page.list_complete ? { keys, complete: true } : { keys, complete: false, cursor: page.cursor };
    },
  };
}

export const cloudflareKvProvider: ProviderPlugin<KvProvider> = {
  kind: "cloudflare.kv",
  capability: "kv",
  needsBinding: true,
  create({ binding, bindingName }) {
    if (binding === null || typeof binding !== "object" || !("getWithMetadata" in binding)) {
      throw new CapError("DAG203", `binding "${bindingName ?? ""}" is not a KV namespace`, { binding: bindingName });
    }
    return createCloudflareKvProvider(binding as KvNamespaceLike);
  },
};
