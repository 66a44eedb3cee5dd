import { createQueueApi, type QueueApi, type QueueProvider } from "@flows/cap-queue";
import { describe, expect, it } from "vitest";
import type { Delivery } from "./queue-sink";
import { uniquePrefix } from "./support";

export interface QueueTarget {
  readonly provider: QueueProvider;
  /**
   * Lets the consumer (running `sinkTrigger`) deliver what is due, and returns the deliveries
   * recorded for `ns` once there are at least `count` of them or `waitMs` has passed.
   */
  deliveries(ns: string, count: number, waitMs: number): Promise<readonly Delivery[]>;
  /** Lets `ms` pass for delays: steps a local clock, or really waits. */
  advance(ms: number): void | Promise<void>;
}

const byN = (deliveries: readonly Delivery[]) =>
  [...deliveries].sort((a, b) => a.n - b.n || a.attempts - b.attempts).map((d) => [d.n, d.attempts]);

/**
 * The queue contract: publish single messages and batches with delays, and consume them
 * through the trigger contract (ack, retry). The same assertions run on the local queues and
 * on a real Queue in workerd.
 */
export function queueConformance(name: string, makeTarget: () => QueueTarget | Promise<QueueTarget>): void {
  describe(`queue conformance: ${name}`, () => {
    const setup = async (): Promise<{ queue: QueueApi; ns: string; target: QueueTarget }> => {
      const target = await makeTarget();
      return { queue: createQueueApi(target.provider), ns: uniquePrefix("q"), target };
    };

    it("delivers single messages and batches once each, with their JSON bodies", async () => {
      const { queue, ns, target } = await setup();
      await queue.send({ ns, n: 1, payload: { text: "ünï", list: [1, null] } });
      await queue.sendBatch([{ body: { ns, n: 2 } }, { body: { ns, n: 3 } }]);
      await queue.sendBatch([]);
      const deliveries = await target.deliveries(ns, 3, 5_000);
      expect(byN(deliveries)).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
      expect(deliveries.find((d) => d.n === 1)?.payload).toEqual({ text: "ünï", list: [1, null] });
    });

    it("retries a message whose run asks for it, counting attempts", async () => {
      const { queue, ns, target } = await setup();
      await queue.send({ ns, n: 1, failTimes: 1 });
      const deliveries = await target.deliveries(ns, 2, 8_000);
      expect(byN(deliveries)).toEqual([
        [1, 1],
        [1, 2],
      ]);
    });

    it("holds delayed messages back until their delay has passed", async () => {
      const { queue, ns, target } = await setup();
      await queue.send({ ns, n: 1 }, { delaySeconds: 2 });
      await queue.sendBatch([{ body: { ns, n: 2 } }], { delaySeconds: 2 });
      expect(await target.deliveries(ns, 1, 500)).toEqual([]);
      await target.advance(2_000);
      expect(byN(await target.deliveries(ns, 2, 6_000))).toEqual([
        [1, 1],
        [2, 1],
      ]);
    });

    it("refuses bad delays, oversized messages and batches, and non-JSON bodies", async () => {
      const { queue, ns, target } = await setup();
      for (const delaySeconds of [-1, 1.5, 43_201]) {
        await expect(queue.send({ ns, n: 0 }, { delaySeconds })).rejects.toMatchObject({ code: "CAP400" });
      }
      await expect(queue.send({ ns, big: "x".repeat(128_001) } as never)).rejects.toMatchObject({ code: "CAP413" });
      const many = Array.from({ length: 101 }, (_, n) => ({ body: { ns, n } }));
      await expect(queue.sendBatch(many)).rejects.toMatchObject({ code: "CAP400" });
      const heavy = Array.from({ length: 3 }, (_, n) => ({ body: { ns, n, pad: "x".repeat(100_000) } }));
      await expect(queue.sendBatch(heavy)).rejects.toMatchObject({ code: "CAP413" });
      await expect(queue.send(undefined as never)).rejects.toMatchObject({ code: "CAP400" });
      await expect(queue.sendBatch([{ body: { ns, n: 1 }, delaySeconds: -5 }])).rejects.toMatchObject({
        code: "CAP400",
      });
      expect(await target.deliveries(ns, 1, 1_500)).toEqual([]);
    });
  });
}
