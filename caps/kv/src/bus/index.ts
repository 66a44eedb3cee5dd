export { kvBusLimits } from "./limits";
export { type BusCaller, createBusKvProvider, kvBusHandlers } from "./provider";
