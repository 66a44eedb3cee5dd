// Compiled only by tsconfig.workers.json, against @cloudflare/workers-types: fails the
// typecheck if the real types stop satisfying the structural ones this code uses.
import type { MessageBatchLike, QueueProducerLike } from "./binding";

export const queueFits = (queue: Queue): QueueProducerLike => queue;
export const batchFits = (batch: MessageBatch): MessageBatchLike => batch;
