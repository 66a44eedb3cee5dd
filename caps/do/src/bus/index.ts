export { type BusCaller, createBusDoProvider, doBusHandlers } from "./provider";
