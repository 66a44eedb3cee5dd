import { capCaller } from "@flows/caps/bus";
import type { QueueProvider } from "../api";

/** What the queue bus provider needs from a bus client. */
export interface BusCaller {
  call(method: string, params?: unknown): Promise<unknown>;
}

/**
 * Publishing from a container: each send crosses the host command bus to the Worker, which
 * publishes on the real Queue binding (`queueBusHandlers`). Bodies are JSON already.
 */
export function createBusQueueProvider(bus: BusCaller): QueueProvider {
  // Bus failures become CapErrors: a message over its limit is CAP413 naming the limit (details.bus BUS413).
  const calls = capCaller(bus);
  return {
    send: async (bodyJson, delaySeconds) => {
      await calls.call("queue.send", { bodyJson, ...(delaySeconds === undefined ? {} : { delaySeconds }) });
    },
    sendBatch: async (messages) => {
      await calls.call("queue.sendBatch", { messages });
    },
  };
}

/** The Worker side: bus methods served by a real queue provider. */
export function queueBusHandlers(provider: QueueProvider): Readonly<Record<string, (params: unknown) => unknown>> {
  return {
    send: async (params) => {
      const { bodyJson, delaySeconds } = params as { bodyJson: string; delaySeconds?: number };
      await provider.send(bodyJson, delaySeconds);
      return null;
    },
    sendBatch: async (params) => {
      const { messages } = params as { messages: { bodyJson: string; delaySeconds?: number }[] };
      await provider.sendBatch(messages);
      return null;
    },
  };
}
