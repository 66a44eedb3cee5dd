export type { MessageBatchLike, MessageLike, QueueProducerLike } from "./binding";
export { cloudflareQueueProvider, createCloudflareQueueProvider, queueHandler } from "./provider";
