import { type CapClock, createKeyedLock, decodeJson, systemCapClock, type TableStore } from "@flows/caps";
import type { QueueProvider } from "../api";
import {
  type ConsumeReport,
  consumeBatch,
  type DeliveredBatch,
  type DeliveredMessage,
  type QueueTrigger,
} from "../consume";

interface StoredMessage {
  readonly id: string;
  /** The body as a JSON value inside the record (not as a string of JSON: no double escaping). */
  readonly body: unknown;
  readonly enqueuedAt: number;
  readonly visibleAt: number;
  readonly attempts: number;
  readonly leaseUntil?: number;
}

export interface LocalQueueOptions {
  readonly name: string;
  readonly clock?: CapClock;
  /** How long a received message stays hidden before it is delivered again (a crashed consumer). */
  readonly visibilityTimeoutMs?: number;
  /** Retries after the first delivery before a message moves to the dead-letter table. */
  readonly maxRetries?: number;
}

export interface LocalDelivery {
  readonly batch: DeliveredBatch;
  /**
   * Applies what the consumer decided: acked messages go, retried ones come back after their
   * delay (or move to the dead-letter table past `maxRetries`). Messages with no decision are
   * acked when the handler succeeded and retried when it failed, as Cloudflare does.
   */
  settle(handlerFailed?: boolean): Promise<void>;
}

export interface LocalQueue {
  readonly name: string;
  readonly provider: QueueProvider;
  receive(max?: number): Promise<LocalDelivery>;
  /** Receives one batch of due messages, runs each through the trigger, and settles the batch. */
  consumeOnce(trigger: QueueTrigger, options?: { readonly batchSize?: number }): Promise<ConsumeReport>;
  depth(): Promise<{ readonly ready: number; readonly waiting: number; readonly dead: number }>;
}

/**
 * A durable queue for local runs on a TableStore (OpenDAL fs keeps it across restarts): one
 * record per message, FIFO by enqueue time, with delays, leases, retries and a dead-letter table.
 */
export function createTableQueue(store: TableStore, options: LocalQueueOptions): LocalQueue {
  const clock = options.clock ?? systemCapClock;
  const visibilityMs = options.visibilityTimeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 3;
  const table = `queue/${options.name}`;
  const dead = `queue-dead/${options.name}`;
  const lock = createKeyedLock();
  let sequence = 0;
  // Tells this queue's messages from another instance's sent in the same millisecond with the
  // same sequence number; drawn once, not per message.
  const producer = crypto.randomUUID().slice(0, 8);

  /** Ids sort in enqueue order: time, then this instance's sequence. */
  const nextId = (now: number) => {
    sequence += 1;
    return `${String(now).padStart(15, "0")}-${String(sequence).padStart(9, "0")}-${producer}`;
  };
  const enqueue = (bodyJson: string, delaySeconds: number | undefined) => {
    const now = clock.now();
    const id = nextId(now);
    const visibleAt = now + (delaySeconds ?? 0) * 1000;
    // Spliced as text: the body arrives as checked JSON, so it need not be parsed and re-encoded.
    const record = `{"id":"${id}","enqueuedAt":${now},"visibleAt":${visibleAt},"attempts":0,"body":${bodyJson}}`;
    return store.put(table, id, record);
  };
  const all = async () => {
    const records: StoredMessage[] = [];
    for (const id of (await store.keys(table)).sort()) {
      const bytes = await store.get(table, id);
      if (bytes !== undefined) records.push(decodeJson<StoredMessage>(bytes));
    }
    return records;
  };
  const due = (record: StoredMessage, now: number) =>
    record.visibleAt <= now && (record.leaseUntil === undefined || record.leaseUntil <= now);

  const receive = (max = 10): Promise<LocalDelivery> =>
    lock.run(table, async () => {
      const now = clock.now();
      const leased = (await all()).filter((record) => due(record, now)).slice(0, max);
      const decisions = new Map<string, { action: "ack" } | { action: "retry"; delaySeconds: number }>();
      const messages: DeliveredMessage[] = [];
      for (const record of leased) {
        const delivered: StoredMessage = { ...record, attempts: record.attempts + 1, leaseUntil: now + visibilityMs };
        await store.put(table, record.id, JSON.stringify(delivered));
        messages.push({
          id: record.id,
          body: record.body,
          attempts: delivered.attempts,
          timestamp: new Date(record.enqueuedAt),
          ack: () => decisions.set(record.id, { action: "ack" }),
          retry: (retry) => decisions.set(record.id, { action: "retry", delaySeconds: retry?.delaySeconds ?? 0 }),
        });
      }
      const settle = (handlerFailed = false) =>
        lock.run(table, async () => {
          for (const message of messages) {
            const decision =
              decisions.get(message.id) ?? (handlerFailed ? { action: "retry", delaySeconds: 0 } : { action: "ack" });
            const bytes = await store.get(table, message.id);
            if (bytes === undefined) continue;
            if (decision.action === "ack") {
              await store.delete(table, message.id);
              continue;
            }
            const record = decodeJson<StoredMessage>(bytes);
            if (record.attempts > maxRetries) {
              await store.put(dead, record.id, bytes);
              await store.delete(table, message.id);
              continue;
            }
            const { leaseUntil: _released, ...rest } = record;
            await store.put(
              table,
              record.id,
              JSON.stringify({ ...rest, visibleAt: clock.now() + decision.delaySeconds * 1000 }),
            );
          }
        });
      return { batch: { queue: options.name, messages }, settle };
    });

  return {
    name: options.name,
    provider: {
      send: (bodyJson, delaySeconds) => enqueue(bodyJson, delaySeconds),
      async sendBatch(messages) {
        for (const message of messages) await enqueue(message.bodyJson, message.delaySeconds);
      },
    },
    receive,
    async consumeOnce(trigger, consumeOptions = {}) {
      const delivery = await receive(consumeOptions.batchSize ?? 10);
      try {
        const report = await consumeBatch(delivery.batch, trigger);
        await delivery.settle(false);
        return report;
      } catch (error) {
        await delivery.settle(true);
        throw error;
      }
    },
    async depth() {
      const now = clock.now();
      const records = await all();
      const ready = records.filter((record) => due(record, now)).length;
      return { ready, waiting: records.length - ready, dead: (await store.keys(dead)).length };
    },
  };
}
