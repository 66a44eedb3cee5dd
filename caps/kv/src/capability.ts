import { type Capability, capabilityHints } from "@flows/caps";
import type { KvApi, KvProvider } from "./api";
import { createKvApi } from "./bind";
import { kvOperations } from "./operations";

export const kvCapability: Capability<"kv", KvApi, typeof kvOperations, KvProvider> = {
  name: "kv",
  summary: "Workers KV: eventually consistent key-value reads and writes",
  hints: [
    // The namespace alone (Lattice's determinism hint) limits determinism but names no
    // operation, so it requires no binding of the capability.
    {
      hint: "resource::kv",
      maxDeterminism: "best_effort",
      guidance: "KV values may change between executions: declare determinism best_effort or weaker",
      source: "kv",
    },
    ...capabilityHints("kv", [
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
  ],
  operations: kvOperations,
  providerKinds: ["cloudflare.kv", "opendal.memory", "opendal.fs", "memory"],
  bind: createKvApi,
};
