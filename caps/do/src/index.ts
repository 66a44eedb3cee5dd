export type { CasResult, DoApi, DoProvider, LedgerEntry, Reservation } from "./api";
export { createDoApi } from "./bind";
export { doCapability } from "./capability";
export { DO_LIMITS } from "./limits";
export { createTableDoProvider } from "./local/table-do";
export { createMemoryDoProvider, doMemoryProvider } from "./memory";
export { doOperations } from "./operations";
