import { encodedLimit, type MessageLimits } from "@flows/caps/bus";
import { KV_LIMITS } from "../limits";

const value = {
  bytes: encodedLimit(KV_LIMITS.valueBytes),
  limit: `a Workers KV value (${KV_LIMITS.valueBytes / 1024 / 1024} MiB)`,
};

/**
 * How large a kv message may be on the bus: a value up to KV's own limit (as base64 when it is
 * bytes), and a list page of 1000 keys with their names and metadata.
 */
export const kvBusLimits: MessageLimits = {
  "kv.put": value,
  "kv.get": value,
  "kv.getWithMetadata": value,
  "kv.list": {
    bytes: encodedLimit(KV_LIMITS.listLimit * (KV_LIMITS.keyBytes + KV_LIMITS.metadataBytes) * 2),
    limit: `a Workers KV list page (${KV_LIMITS.listLimit} keys, each with its name and metadata)`,
  },
};
