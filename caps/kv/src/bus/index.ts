export { type BusCaller, createBusKvProvider, kvBusHandlers } from "./provider";
