import { CapError, type ProviderPlugin } from "@flows/caps";
import type { QueueProvider } from "../api";
import { type ConsumeReport, consumeBatch, type QueueTrigger } from "../consume";
import type { MessageBatchLike, QueueProducerLike } from "./binding";

/**
 * Publishing on a Workers Queue producer binding. Bodies go as JSON (content type "json"), so
 * consumers in any runtime read the same values the local queue delivers.
 */
export function createCloudflareQueueProvider(producer: QueueProducerLike): QueueProvider {
  return {
    async send(bodyJson, delaySeconds) {
      await producer.send(JSON.parse(bodyJson), {
        contentType: "json",
        ...(delaySeconds === undefined ? {} : { delaySeconds }),
      });
    },
    async sendBatch(messages) {
      await producer.sendBatch(
        messages.map(({ bodyJson, delaySeconds }) => ({
          body: JSON.parse(bodyJson),
          contentType: "json" as const,
          ...(delaySeconds === undefined ? {} : { delaySeconds }),
        })),
      );
    },
  };
}

/**
 * A Worker's `queue` handler from a trigger: `export default { queue: queueHandler(trigger) }`.
 * Each message starts a run; its outcome acks or retries that message alone.
 */
export function queueHandler(trigger: QueueTrigger): (batch: MessageBatchLike) => Promise<ConsumeReport> {
  return (batch) => consumeBatch(batch, trigger);
}

export const cloudflareQueueProvider: ProviderPlugin<QueueProvider> = {
  kind: "cloudflare.queue",
  capability: "queue",
  needsBinding: true,
  create({ binding, bindingName }) {
    if (binding === null || typeof binding !== "object" || !("sendBatch" in binding)) {
      throw new CapError("DAG203", `binding "${bindingName ?? ""}" is not a queue producer`, { binding: bindingName });
    }
    return createCloudflareQueueProvider(binding as QueueProducerLike);
  },
};
