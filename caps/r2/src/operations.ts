import type { OperationTable } from "@flows/caps";
import type { R2Api } from "./api";

const READ = "resource::blob::read";
const WRITE = "resource::blob::write";

/** Each operation, the hint that grants it, and whether it may be repeated safely. */
export const r2Operations = {
  head: { hint: READ, idempotent: true },
  get: { hint: READ, idempotent: true },
  list: { hint: READ, idempotent: true },
  put: { hint: WRITE, idempotent: true },
  delete: { hint: WRITE, idempotent: true },
  createMultipartUpload: { hint: WRITE, idempotent: false },
  resumeMultipartUpload: { hint: WRITE, idempotent: true },
} as const satisfies OperationTable<R2Api>;
