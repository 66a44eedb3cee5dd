export { createOpendalKvProvider, kvOpendalFsProvider, kvOpendalMemoryProvider } from "./provider";
