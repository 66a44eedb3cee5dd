export { type BusCaller, createBusQueueProvider, queueBusHandlers } from "./provider";
