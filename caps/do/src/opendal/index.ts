export { createOpendalDoProvider, doOpendalFsProvider, doOpendalMemoryProvider } from "./provider";
