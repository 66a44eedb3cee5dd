import type { CapClock, ProviderPlugin } from "@flows/caps";
import { checkOperatorOptions, createOpendalTableStore, createOperator } from "@flows/caps/opendal";
import type { Operator } from "opendal";
import type { DoProvider } from "../api";
import { createTableDoProvider } from "../local/table-do";

/** Durable Object semantics in an OpenDAL operator, serialised per key inside this process. */
export function createOpendalDoProvider(operator: Operator, options: { readonly clock?: CapClock } = {}): DoProvider {
  return createTableDoProvider(createOpendalTableStore(operator), options.clock);
}

export const doOpendalMemoryProvider: ProviderPlugin<DoProvider> = {
  kind: "opendal.memory",
  capability: "do",
  needsBinding: false,
  create: () => createOpendalDoProvider(createOperator("memory", {})),
};

export const doOpendalFsProvider: ProviderPlugin<DoProvider> = {
  kind: "opendal.fs",
  capability: "do",
  needsBinding: false,
  checkOptions: (options) => checkOperatorOptions("fs", options),
  create: ({ options }) => createOpendalDoProvider(createOperator("fs", options)),
};
