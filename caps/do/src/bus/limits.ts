import type { MessageLimits } from "@flows/caps/bus";
import { DO_LIMITS } from "../limits";

/** A do message carries at most one stored value: key and value together are at most 2 MB there. */
export const doBusLimits: MessageLimits = {
  "do.*": {
    bytes: DO_LIMITS.valueBytes * 2 + 64 * 1024,
    limit: `a Durable Object storage value (key and value together at most ${DO_LIMITS.valueBytes / 1024 / 1024} MiB, as JSON)`,
  },
};
