import { type CapClock, createMemoryTableStore, type ProviderPlugin } from "@flows/caps";
import type { QueueProvider } from "./api";
import { createTableQueue, type LocalQueue } from "./local/table-queue";

/** A queue in memory, with the local queue's delivery rules: for kernel tests and embedded runs. */
export function createMemoryQueue(options: { readonly name?: string; readonly clock?: CapClock } = {}): LocalQueue {
  return createTableQueue(createMemoryTableStore(), {
    name: options.name ?? "queue",
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}

export const queueMemoryProvider: ProviderPlugin<QueueProvider> = {
  kind: "memory",
  capability: "queue",
  needsBinding: false,
  create: ({ bindingName }) => createMemoryQueue({ name: bindingName ?? "queue" }).provider,
};
