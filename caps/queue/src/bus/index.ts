export { queueBusLimits } from "./limits";
export { type BusCaller, createBusQueueProvider, queueBusHandlers } from "./provider";
