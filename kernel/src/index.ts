export { backoffDelay, type RetryPolicy } from "./backoff";
export { type Channel, createChannel } from "./channel";
export { constantTimeEqual } from "./constant-time";
export { createKernel } from "./create-kernel";
export { createMemoryDedupe, type DedupeStore, type Reservation } from "./dedupe";
export { type DeadlineOptions, type Expired, isExpired, type WaitOptions } from "./durable-time";
export { type FlowError, KERNEL_ERROR_CODES, KernelError, type KernelErrorCode, toFlowError } from "./errors";
export { type FlowReader, trustedFlowReader } from "./flow-reader";
export { type FlowSource, isFlowSource, readFlowSources } from "./flow-source";
export { flowVersion } from "./flow-version";
export {
  type Clock,
  type EffectScope,
  type Host,
  type Logger,
  type LogRecord,
  silentLogger,
  systemClock,
} from "./host";
export {
  createMemoryJournal,
  type EventWait,
  type JournalEntry,
  type JournalStore,
  type MemoryJournalOptions,
} from "./journal";
export {
  createKernelWith,
  type Delivery,
  type EventRequest,
  type Invocation,
  type Kernel,
  type KernelOptions,
  type ResumeRequest,
  type RunStream,
  type RunSummary,
  summarizeRun,
} from "./kernel";
export { MAX_STACK_CHARS, MAX_STACK_FRAMES, nodeStack, type StackMapper } from "./node-stack";
export type {
  HaltFunction,
  NodeContext,
  NodeImplementation,
  NodeRegistry,
  RunMetadata,
  WaitForFunction,
} from "./nodes";
export { isAsyncIterable } from "./nodes";
export type { RunEvent } from "./run-context";
export { foldJournal, type NodeRecord, type RunState, type RunStatus } from "./run-state";
export { journalRunSummary, nodeValues, runDetail, runSummaryWire } from "./run-view";
export type {
  GraphView,
  NodeStatus,
  NodeValues,
  NodeView,
  ResumeView,
  RunDetail,
  RunViewEvent,
  WireRunSummary,
} from "./run-view-wire";
export type { RunOutcome } from "./scheduler";
export { validatingFlowReader } from "./validating-reader";
export {
  CAPPED_VALUE_BYTES,
  cappedValue,
  errorWire,
  journalEntryWire,
  outcomeWire,
  snakeKey,
  type TruncatedValue,
  type WireError,
  type WireJournalEntry,
} from "./wire";
