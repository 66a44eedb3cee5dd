import { encodedLimit, type MessageLimits } from "@flows/caps/bus";
import { R2_LIMITS } from "../limits";

/** R2 bodies stream on their own; only a list page (1000 objects with metadata) may outgrow a frame. */
export const r2BusLimits: MessageLimits = {
  "r2.list": {
    bytes: encodedLimit(R2_LIMITS.listLimit * (R2_LIMITS.keyBytes + R2_LIMITS.customMetadataBytes) * 2),
    limit: `an R2 list page (${R2_LIMITS.listLimit} objects, each with its key and metadata)`,
  },
};
