import type { OperationTable } from "@flows/caps";
import type { KvApi } from "./api";

const READ = "resource::kv::read";
const WRITE = "resource::kv::write";

/** Each operation, the hint that grants it, and whether it may be repeated safely. */
export const kvOperations = {
  get: { hint: READ, idempotent: true },
  getWithMetadata: { hint: READ, idempotent: true },
  list: { hint: READ, idempotent: true },
  put: { hint: WRITE, idempotent: true },
  delete: { hint: WRITE, idempotent: true },
} as const satisfies OperationTable<KvApi>;
