import { type Capability, capabilityHints } from "@flows/caps";
import type { QueueApi, QueueProvider } from "./api";
import { createQueueApi } from "./bind";
import { queueOperations } from "./operations";

export const queueCapability: Capability<"queue", QueueApi, typeof queueOperations, QueueProvider> = {
  name: "queue",
  summary: "Queues: publish messages and start runs from consumed batches",
  hints: [
    // The namespace alone (Lattice's determinism hint) limits determinism but names no
    // operation, so it requires no binding of the capability.
    {
      hint: "resource::queue",
      maxDeterminism: "best_effort",
      guidance: "which messages arrive, and when, varies between executions: declare determinism best_effort or weaker",
      source: "queue",
    },
    ...capabilityHints("queue", [
      {
        hint: "resource::queue::publish",
        minEffects: "effectful",
        maxDeterminism: "best_effort",
        guidance:
          "publishing sends a message others act on: declare effects effectful and determinism best_effort or weaker",
      },
      {
        hint: "resource::queue::consume",
        minEffects: "read_only",
        guidance: "consuming reads delivered messages: declare effects read_only or above",
      },
    ]),
  ],
  operations: queueOperations,
  providerKinds: ["cloudflare.queue", "opendal.memory", "opendal.fs", "memory"],
  bind: createQueueApi,
};
