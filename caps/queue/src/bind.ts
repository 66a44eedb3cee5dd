import { CapError, callOperation, utf8Length } from "@flows/caps";
import type { QueueApi, QueueProvider } from "./api";
import { bodyJson, checkDelay, QUEUE_LIMITS } from "./limits";

/** The API nodes call over any queue provider: bodies, sizes and delays are checked here, once. */
export function createQueueApi(provider: QueueProvider): QueueApi {
  return {
    send: (body, options = {}) =>
      callOperation("queue.send", undefined, () => provider.send(bodyJson(body), checkDelay(options.delaySeconds))),
    sendBatch: (messages, options = {}) =>
      callOperation("queue.sendBatch", undefined, async () => {
        if (messages.length === 0) return;
        if (messages.length > QUEUE_LIMITS.batchMessages) {
          throw new CapError(
            "CAP400",
            `a batch holds at most ${QUEUE_LIMITS.batchMessages} messages, got ${messages.length}`,
            {
              messages: messages.length,
            },
          );
        }
        const fallback = checkDelay(options.delaySeconds);
        let total = 0;
        const checked = messages.map((message) => {
          const json = bodyJson(message.body);
          total += utf8Length(json);
          const delaySeconds = checkDelay(message.delaySeconds) ?? fallback;
          return delaySeconds === undefined ? { bodyJson: json } : { bodyJson: json, delaySeconds };
        });
        if (total > QUEUE_LIMITS.batchBytes) {
          throw new CapError("CAP413", `a batch is ${total} bytes of JSON; the limit is ${QUEUE_LIMITS.batchBytes}`, {
            bytes: total,
            limit: QUEUE_LIMITS.batchBytes,
          });
        }
        await provider.sendBatch(checked);
      }),
  };
}
