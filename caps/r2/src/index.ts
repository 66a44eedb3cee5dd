import { type CapabilityDescriptor, capabilityHints } from "@flows/caps";

export const r2Capability: CapabilityDescriptor = {
  name: "r2",
  summary: "R2 object storage: blobs, ranges, multipart uploads",
  hints: capabilityHints("r2", [
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
      guidance: "a blob write changes stored objects: declare effects effectful and determinism best_effort or weaker",
    },
  ]),
};
