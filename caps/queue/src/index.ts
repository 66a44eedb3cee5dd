export type { QueueApi, QueueMessageInput, QueueProvider, QueueSendOptions } from "./api";
export { createQueueApi } from "./bind";
export { queueCapability } from "./capability";
export {
  type ConsumedMessage,
  type ConsumeReport,
  consumeBatch,
  type DeliveredBatch,
  type DeliveredMessage,
  type MessageOutcome,
  outcomeForRun,
  type QueueTrigger,
  retryDelaySeconds,
} from "./consume";
export { QUEUE_LIMITS } from "./limits";
export { type PollOptions, pollQueue } from "./local/poll";
export { createTableQueue, type LocalDelivery, type LocalQueue, type LocalQueueOptions } from "./local/table-queue";
export { createMemoryQueue, queueMemoryProvider } from "./memory";
export { queueOperations } from "./operations";
