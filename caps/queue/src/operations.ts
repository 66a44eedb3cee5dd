import type { OperationTable } from "@flows/caps";
import type { QueueApi } from "./api";

const PUBLISH = "resource::queue::publish";

/** Each operation, the hint that grants it, and whether it may be repeated safely. */
export const queueOperations = {
  // Sending twice delivers twice.
  send: { hint: PUBLISH, idempotent: false },
  sendBatch: { hint: PUBLISH, idempotent: false },
} as const satisfies OperationTable<QueueApi>;
