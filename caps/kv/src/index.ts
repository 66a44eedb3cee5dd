import { type CapabilityDescriptor, capabilityHints } from "@flows/caps";

export const kvCapability: CapabilityDescriptor = {
  name: "kv",
  summary: "Workers KV: eventually consistent key-value reads and writes",
  hints: capabilityHints("kv", [
    {
      hint: "resource::kv::read",
      minEffects: "read_only",
      maxDeterminism: "stable",
      guidance:
        "a KV read depends on stored state: declare effects read_only or above and determinism stable or weaker",
    },
    {
      hint: "resource::kv::write",
      minEffects: "effectful",
      maxDeterminism: "best_effort",
      guidance: "a KV write changes stored state: declare effects effectful and determinism best_effort or weaker",
    },
  ]),
};
