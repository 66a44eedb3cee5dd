export { createOpendalQueue, queueOpendalFsProvider, queueOpendalMemoryProvider } from "./provider";
