export type {
  KvApi,
  KvListKey,
  KvListOptions,
  KvListResult,
  KvProvider,
  KvPutOptions,
  KvValueType,
  KvWithMetadata,
} from "./api";
export { createKvApi } from "./bind";
export { kvCapability } from "./capability";
export { checkKvKey, KV_LIMITS } from "./limits";
export { createTableKvProvider } from "./local/table-kv";
export { createMemoryKvProvider, kvMemoryProvider } from "./memory";
export { kvOperations } from "./operations";
