import type { CapClock, ProviderPlugin } from "@flows/caps";
import { checkOperatorOptions, createOpendalTableStore, createOperator } from "@flows/caps/opendal";
import type { Operator } from "opendal";
import type { QueueProvider } from "../api";

/** The local queue's name: `options.queue`, else the manifest's binding name, else "queue". */
const queueName = (options: Readonly<Record<string, unknown>>, bindingName: string | undefined) =>
  typeof options.queue === "string" && options.queue !== "" ? options.queue : (bindingName ?? "queue");

import { createTableQueue, type LocalQueue, type LocalQueueOptions } from "../local/table-queue";

/** The local durable queue on an OpenDAL operator (fs: survives restarts). */
export function createOpendalQueue(
  operator: Operator,
  options: LocalQueueOptions & { readonly clock?: CapClock },
): LocalQueue {
  return createTableQueue(createOpendalTableStore(operator), options);
}

export const queueOpendalMemoryProvider: ProviderPlugin<QueueProvider> = {
  kind: "opendal.memory",
  capability: "queue",
  needsBinding: false,
  create: ({ options, bindingName }) =>
    createOpendalQueue(createOperator("memory", {}), { name: queueName(options, bindingName) }).provider,
};

/** Messages land under `<root>/queue%2F<name>/` (see `queueName`); a local consumer (`createOpendalQueue`) on the same root delivers them. */
export const queueOpendalFsProvider: ProviderPlugin<QueueProvider> = {
  kind: "opendal.fs",
  capability: "queue",
  needsBinding: false,
  checkOptions: (options) => checkOperatorOptions("fs", options),
  create: ({ options, bindingName }) =>
    createOpendalQueue(createOperator("fs", options), { name: queueName(options, bindingName) }).provider,
};
