export { doBusLimits } from "./limits";
export { type BusCaller, createBusDoProvider, doBusHandlers } from "./provider";
