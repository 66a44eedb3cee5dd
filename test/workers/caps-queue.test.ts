import { env } from "cloudflare:workers";
import { createCloudflareQueueProvider } from "@flows/cap-queue/workers";
import { queueConformance } from "../caps/queue.conformance";
import type { Delivery } from "../caps/queue-sink";
import { sleep } from "../caps/support";

/** Reads what the Worker's queue handler recorded for `ns`, polling until enough arrived. */
async function deliveries(ns: string, count: number, waitMs: number): Promise<Delivery[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { keys } = await env.QUEUE_SINK.list({ prefix: ns });
    if (keys.length >= count || Date.now() >= deadline) {
      const values = await Promise.all(keys.map((key) => env.QUEUE_SINK.get<Delivery>(key.name, "json")));
      return values.filter((value): value is Delivery => value !== null);
    }
    await sleep(100);
  }
}

// The same contract as the local queues, against a real Queue: messages go through the
// producer binding and come back through the Worker's queue handler.
queueConformance("cloudflare.queue", () => ({
  provider: createCloudflareQueueProvider(env.CAPS_QUEUE),
  deliveries,
  advance: sleep,
}));
