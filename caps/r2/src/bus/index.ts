export type { BusCaller } from "./caller";
export type { R2BusBodyOptions } from "./limits";
export { r2BusLimits } from "./message-limits";
export { createBusR2Provider } from "./provider";
export { createR2BusService, type R2BusServiceOptions, r2BusHandlers } from "./service";
