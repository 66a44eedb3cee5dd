import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryQueue, createQueueApi, type LocalQueue, outcomeForRun, pollQueue } from "@flows/cap-queue";
import { createBusQueueProvider, queueBusHandlers } from "@flows/cap-queue/bus";
import { createOpendalQueue } from "@flows/cap-queue/opendal";
import { Operator } from "opendal";
import { afterAll, describe, expect, it } from "vitest";
import { busPair } from "./bus-pair";
import { queueConformance } from "./queue.conformance";
import { type Delivery, sinkTrigger } from "./queue-sink";
import { steppedClock } from "./support";

const roots: string[] = [];
const freshRoot = () => {
  const root = mkdtempSync(join(tmpdir(), "flows-queue-"));
  roots.push(root);
  return root;
};
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A local queue and a consumer that drains whatever is due through the sink trigger. */
function localTarget(queue: LocalQueue, advance: (ms: number) => void) {
  const recorded: Delivery[] = [];
  const trigger = sinkTrigger((delivery) => {
    recorded.push(delivery);
  });
  return {
    provider: queue.provider,
    advance,
    // Local consumers are driven by hand: deliver everything due, then report.
    async deliveries(ns: string) {
      for (let round = 0; round < 20; round += 1) {
        const report = await queue.consumeOnce(trigger);
        if (report.acked.length + report.retried.length === 0) break;
      }
      return recorded.filter((delivery) => delivery.ns === ns);
    },
  };
}

queueConformance("memory", () => {
  const { clock, advance } = steppedClock();
  return localTarget(createMemoryQueue({ clock }), advance);
});
// Publishing from a container: the bus provider sends through the Worker-side handlers to a
// memory queue, which the consumer then drains.
queueConformance("bus → memory", () => {
  const { clock, advance } = steppedClock();
  const queue = createMemoryQueue({ clock });
  const provider = createBusQueueProvider(busPair("queue", queueBusHandlers(queue.provider)));
  return { ...localTarget(queue, advance), provider };
});
queueConformance("opendal.fs", () => {
  const { clock, advance } = steppedClock();
  return localTarget(createOpendalQueue(new Operator("fs", { root: freshRoot() }), { name: "jobs", clock }), advance);
});

describe("local durable queue", () => {
  it("keeps undelivered messages across a restart and redelivers a crashed consumer's lease", async () => {
    const root = freshRoot();
    const { clock, advance } = steppedClock();
    const first = createOpendalQueue(new Operator("fs", { root }), {
      name: "jobs",
      clock,
      visibilityTimeoutMs: 10_000,
    });
    await createQueueApi(first.provider).sendBatch([{ body: 1 }, { body: 2 }]);
    // A consumer takes both and dies before settling.
    expect((await first.receive(10)).batch.messages.map((m) => m.body)).toEqual([1, 2]);

    const restarted = createOpendalQueue(new Operator("fs", { root }), {
      name: "jobs",
      clock,
      visibilityTimeoutMs: 10_000,
    });
    expect(await restarted.depth()).toEqual({ ready: 0, waiting: 2, dead: 0 });
    advance(10_001);
    const again = await restarted.receive(10);
    expect(again.batch.messages.map((m) => [m.body, m.attempts])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    again.batch.messages[0]?.ack();
    await again.settle(true);
    // The unsettled second message counts as failed and comes back.
    expect(await restarted.depth()).toEqual({ ready: 1, waiting: 0, dead: 0 });
  });

  it("moves a message to the dead-letter table after its retries run out", async () => {
    const queue = createMemoryQueue({ name: "jobs" });
    await createQueueApi(queue.provider).send({ ns: "x", n: 1, failTimes: 99 });
    const trigger = sinkTrigger(() => {});
    for (let i = 0; i < 6; i += 1) await queue.consumeOnce(trigger);
    expect(await queue.depth()).toEqual({ ready: 0, waiting: 0, dead: 1 });
  });

  it("keeps consuming in a polling loop until stopped", async () => {
    const queue = createMemoryQueue({ name: "jobs" });
    const seen: unknown[] = [];
    const stop = new AbortController();
    const loop = pollQueue(
      queue,
      (message) => {
        seen.push(message.body);
        return { action: "ack" };
      },
      { signal: stop.signal, intervalMs: 5 },
    );
    const api = createQueueApi(queue.provider);
    await api.send(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await api.sendBatch([{ body: 2 }, { body: 3 }]);
    for (let i = 0; i < 100 && seen.length < 3; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    await loop;
    expect(seen).toEqual([1, 2, 3]);
    expect(await queue.depth()).toEqual({ ready: 0, waiting: 0, dead: 0 });
  });

  it("maps a run's outcome to ack or retry", () => {
    expect(outcomeForRun({ status: "completed" }, 1)).toEqual({ action: "ack" });
    expect(outcomeForRun({ status: "halted" }, 1)).toEqual({ action: "ack" });
    expect(outcomeForRun({ status: "failed", error: { retryable: true } }, 3)).toEqual({
      action: "retry",
      delaySeconds: 8,
    });
    expect(outcomeForRun({ status: "failed", error: { retryable: false } }, 3)).toEqual({ action: "ack" });
  });
});
