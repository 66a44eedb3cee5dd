import type { CapClock, ProviderPlugin } from "@flows/caps";
import { checkOperatorOptions, createOpendalTableStore, createOperator } from "@flows/caps/opendal";
import type { Operator } from "opendal";
import type { KvProvider } from "../api";
import { createTableKvProvider } from "../local/table-kv";

/** KV in an OpenDAL operator: one file per key under `kv/` (see `fileNameFor`). */
export function createOpendalKvProvider(operator: Operator, options: { readonly clock?: CapClock } = {}): KvProvider {
  return createTableKvProvider(createOpendalTableStore(operator), options.clock);
}

export const kvOpendalMemoryProvider: ProviderPlugin<KvProvider> = {
  kind: "opendal.memory",
  capability: "kv",
  needsBinding: false,
  create: () => createOpendalKvProvider(createOperator("memory", {})),
};

export const kvOpendalFsProvider: ProviderPlugin<KvProvider> = {
  kind: "opendal.fs",
  capability: "kv",
  needsBinding: false,
  checkOptions: (options) => checkOperatorOptions("fs", options),
  create: ({ options }) => createOpendalKvProvider(createOperator("fs", options)),
};
