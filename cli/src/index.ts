export type { CliIo } from "./io";
export { type MemoryIo, type MemoryIoOptions, memoryIo } from "./memory-io";
export { runCli } from "./run";
