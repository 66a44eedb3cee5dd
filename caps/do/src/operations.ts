import type { OperationTable } from "@flows/caps";
import type { DoApi } from "./api";

const READ = "resource::do::read";
const WRITE = "resource::do::write";
const DEDUPE = "resource::dedupe";

/** Each operation, the hint that grants it, and whether it may be repeated safely. */
export const doOperations = {
  get: { hint: READ, idempotent: true },
  put: { hint: WRITE, idempotent: true },
  delete: { hint: WRITE, idempotent: true },
  update: { hint: WRITE, idempotent: false },
  compareAndSet: { hint: WRITE, idempotent: false },
  next: { hint: WRITE, idempotent: false },
  // The same owner may reserve again, and completing twice stores the same result.
  reserve: { hint: DEDUPE, idempotent: true },
  complete: { hint: DEDUPE, idempotent: true },
  release: { hint: DEDUPE, idempotent: true },
  lookup: { hint: DEDUPE, idempotent: true },
} as const satisfies OperationTable<DoApi>;
