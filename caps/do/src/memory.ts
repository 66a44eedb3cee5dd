import { type CapClock, createMemoryTableStore, type ProviderPlugin } from "@flows/caps";
import type { DoProvider } from "./api";
import { createTableDoProvider } from "./local/table-do";

/** Durable Object state, sequencers and ledger in memory: for kernel tests and embedded runs. */
export function createMemoryDoProvider(options: { readonly clock?: CapClock } = {}): DoProvider {
  return createTableDoProvider(createMemoryTableStore(), options.clock);
}

export const doMemoryProvider: ProviderPlugin<DoProvider> = {
  kind: "memory",
  capability: "do",
  needsBinding: false,
  create: () => createMemoryDoProvider(),
};
