import { type Capability, capabilityHints } from "@flows/caps";
import type { R2Api, R2Provider } from "./api";
import { createR2Api } from "./bind";
import { r2Operations } from "./operations";

export const r2Capability: Capability<"r2", R2Api, typeof r2Operations, R2Provider> = {
  name: "r2",
  summary: "R2 object storage: blobs, ranges, multipart uploads",
  hints: [
    // The namespace alone (Lattice's determinism hint) limits determinism but names no
    // operation, so it requires no binding of the capability.
    {
      hint: "resource::blob",
      maxDeterminism: "best_effort",
      guidance: "stored objects may change between executions: declare determinism best_effort or weaker",
      source: "r2",
    },
    ...capabilityHints("r2", [
      {
        hint: "resource::blob::read",
        minEffects: "read_only",
        maxDeterminism: "stable",
        guidance:
          "a blob read depends on stored objects: declare effects read_only or above and determinism stable or weaker",
      },
      {
        hint: "resource::blob::write",
        minEffects: "effectful",
        maxDeterminism: "best_effort",
        guidance:
          "a blob write changes stored objects: declare effects effectful and determinism best_effort or weaker",
      },
    ]),
  ],
  operations: r2Operations,
  providerKinds: ["cloudflare.r2", "opendal.memory", "opendal.fs", "opendal.s3"],
  bind: createR2Api,
};
