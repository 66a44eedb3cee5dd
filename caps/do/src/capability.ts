import { type Capability, capabilityHints } from "@flows/caps";
import type { DoApi, DoProvider } from "./api";
import { createDoApi } from "./bind";
import { doOperations } from "./operations";

export const doCapability: Capability<"do", DoApi, typeof doOperations, DoProvider> = {
  name: "do",
  summary: "Durable Objects: single-writer state, sequencers and the idempotency ledger",
  hints: capabilityHints("do", [
    {
      hint: "resource::do::read",
      minEffects: "read_only",
      maxDeterminism: "stable",
      guidance:
        "a Durable Object read depends on its state: declare effects read_only or above and determinism stable or weaker",
    },
    {
      hint: "resource::do::write",
      minEffects: "effectful",
      maxDeterminism: "best_effort",
      guidance:
        "a Durable Object write changes its state: declare effects effectful and determinism best_effort or weaker",
    },
    {
      hint: "resource::dedupe::*",
      minEffects: "effectful",
      maxDeterminism: "best_effort",
      guidance:
        "deduplication reserves keys in a ledger: declare effects effectful and determinism best_effort or weaker",
    },
  ]),
  operations: doOperations,
  providerKinds: ["cloudflare.do", "opendal.memory", "opendal.fs", "memory"],
  bind: createDoApi,
};
