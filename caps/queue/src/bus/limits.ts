import { DEFAULT_MAX_FRAME_BYTES, type MessageLimits } from "@flows/caps/bus";
import { QUEUE_LIMITS } from "../limits";

/** Queue messages always fit a frame: anything larger is far over what Queues accepts. */
export const queueBusLimits: MessageLimits = {
  "queue.*": {
    bytes: DEFAULT_MAX_FRAME_BYTES,
    limit: `a Queues message (${QUEUE_LIMITS.messageBytes} bytes) or batch (${QUEUE_LIMITS.batchBytes} bytes)`,
  },
};
