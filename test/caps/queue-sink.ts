import type { QueueTrigger } from "@flows/cap-queue";

/** What the conformance suite publishes: its namespace, a number, and how often to fail first. */
export interface SinkBody {
  readonly ns: string;
  readonly n: number;
  readonly failTimes?: number;
  readonly payload?: unknown;
}

export interface Delivery {
  readonly ns: string;
  readonly n: number;
  readonly attempts: number;
  readonly payload?: unknown;
}

/**
 * The trigger every queue provider's consumer runs in the conformance suite (the Worker's
 * queue handler too): it records each delivery and asks for a retry until `failTimes` runs
 * have failed.
 */
export function sinkTrigger(record: (delivery: Delivery) => Promise<void> | void): QueueTrigger {
  return async (message) => {
    const body = message.body as SinkBody;
    await record({
      ns: body.ns,
      n: body.n,
      attempts: message.attempts,
      ...(body.payload === undefined ? {} : { payload: body.payload }),
    });
    return message.attempts <= (body.failTimes ?? 0) ? { action: "retry", delaySeconds: 0 } : { action: "ack" };
  };
}
