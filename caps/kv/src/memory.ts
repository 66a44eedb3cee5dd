import { type CapClock, createMemoryTableStore, type ProviderPlugin } from "@flows/caps";
import type { KvProvider } from "./api";
import { createTableKvProvider } from "./local/table-kv";

/** KV in memory, with no native addon: for kernel tests and embedded runs that need no persistence. */
export function createMemoryKvProvider(options: { readonly clock?: CapClock } = {}): KvProvider {
  return createTableKvProvider(createMemoryTableStore(), options.clock);
}

export const kvMemoryProvider: ProviderPlugin<KvProvider> = {
  kind: "memory",
  capability: "kv",
  needsBinding: false,
  create: () => createMemoryKvProvider(),
};
