import { type CapabilityDescriptor, capabilityHints } from "@flows/caps";

export const queueCapability: CapabilityDescriptor = {
  name: "queue",
  summary: "Queues: publish messages and start runs from consumed batches",
  hints: capabilityHints("queue", [
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
};
