import { doCapability } from "@flows/cap-do";
import { createBusDoProvider, doBusLimits } from "@flows/cap-do/bus";
import { kvCapability } from "@flows/cap-kv";
import { createBusKvProvider, kvBusLimits } from "@flows/cap-kv/bus";
import { queueCapability } from "@flows/cap-queue";
import { createBusQueueProvider, queueBusLimits } from "@flows/cap-queue/bus";
import { r2Capability } from "@flows/cap-r2";
import { createBusR2Provider, r2BusLimits } from "@flows/cap-r2/bus";
import { createCapabilityRegistry, type ResolvedCapabilities, scopeCapabilities } from "@flows/caps";
import { JOURNAL_IDEMPOTENT_METHODS, JOURNAL_MESSAGE_LIMITS, type MessageLimits } from "@flows/caps/bus";
import type { NodeIR } from "@flows/flow-ir";
import type { DedupeStore, EffectScope } from "@flows/kernel";

/** What the container's capabilities need from the bus. */
export interface BusCaller {
  call(method: string, params?: unknown): Promise<unknown>;
}

/** The capabilities a container offers nodes, every operation forwarded over the bus. */
export const containerCapabilities = createCapabilityRegistry([
  kvCapability,
  r2Capability,
  queueCapability,
  doCapability,
]);

/** Bus methods worth retrying on a retryable answer: reads and writes each capability marks idempotent. */
export const idempotentBusMethods: ReadonlySet<string> = new Set([
  ...JOURNAL_IDEMPOTENT_METHODS,
  ...containerCapabilities.capabilities.flatMap((capability) =>
    Object.entries(capability.operations as Readonly<Record<string, { idempotent: boolean }>>)
      .filter(([, spec]) => spec.idempotent)
      .map(([operation]) => `${capability.name}.${operation}`),
  ),
]);

/**
 * How large each bus method's messages may be: the platform's own limit behind it (a KV value,
 * a Durable Object value, the RPC call that carries a journal entry). The Worker's side checks
 * the same table.
 */
export const busMessageLimits: MessageLimits = {
  ...kvBusLimits,
  ...doBusLimits,
  ...queueBusLimits,
  ...r2BusLimits,
  ...JOURNAL_MESSAGE_LIMITS,
};

export interface BusCapabilities {
  /** The kernel's `host.capabilities`: each node sees only the operations its hints grant. */
  readonly forNode: (node: NodeIR, effects?: EffectScope) => Readonly<Record<string, unknown>>;
  /** The ledger behind `exactly_once` edges: the `do` capability's dedupe, kept by the host. */
  readonly dedupe: DedupeStore;
}

/**
 * Binds every capability to its bus provider for one request's bus. The Worker's dispatcher
 * still refuses (CAP403) a capability the running flow did not declare.
 */
export function busCapabilities(bus: BusCaller): BusCapabilities {
  const doApi = doCapability.bind(createBusDoProvider(bus));
  const resolved: ResolvedCapabilities<(typeof containerCapabilities.capabilities)[number]> = {
    registry: containerCapabilities,
    apis: {
      kv: kvCapability.bind(createBusKvProvider(bus)),
      r2: r2Capability.bind(createBusR2Provider(bus)),
      queue: queueCapability.bind(createBusQueueProvider(bus)),
      do: doApi,
    },
  };
  return {
    forNode: (node, effects) => scopeCapabilities(resolved, [...node.effectHints, ...node.determinismHints], effects),
    dedupe: doApi,
  };
}
