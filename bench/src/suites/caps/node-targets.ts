import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDoApi, createMemoryDoProvider, type DoProvider } from "@flows/cap-do";
import { createOpendalDoProvider } from "@flows/cap-do/opendal";
import { createKvApi, createMemoryKvProvider, type KvProvider } from "@flows/cap-kv";
import { createOpendalKvProvider } from "@flows/cap-kv/opendal";
import { createMemoryQueue, createQueueApi, type QueueProvider } from "@flows/cap-queue";
import { createOpendalQueue } from "@flows/cap-queue/opendal";
import { createR2Api } from "@flows/cap-r2";
import { createOpendalR2Provider } from "@flows/cap-r2/opendal";
import { createOperator } from "@flows/caps/opendal";
import type { Operator } from "opendal";

/** One operation measured two ways: through the capability API and straight on what lies beneath. */
export interface OperationPair {
  readonly provider: string;
  readonly operation: string;
  /** What the baseline calls. */
  readonly raw: string;
  setup(): Promise<unknown>;
  api(): Promise<unknown>;
  direct(): Promise<unknown>;
}

const VALUE = "x".repeat(256);
const BYTES = Buffer.from(VALUE);

/** KV, DO, R2 and queue pairs on one OpenDAL operator: the API against the operator's own read/write. */
function opendalPairs(name: string, operator: Operator): OperationPair[] {
  const kv = createKvApi(createOpendalKvProvider(operator));
  const state = createDoApi(createOpendalDoProvider(operator));
  const r2 = createR2Api(createOpendalR2Provider(operator));
  const queue = createQueueApi(createOpendalQueue(operator, { name: "bench" }).provider);
  const raw = (path: string) => ({
    read: async () => (await operator.read(path)).toString("utf8"),
    write: () => operator.write(path, BYTES),
  });
  const kvRaw = raw("raw/kv");
  const doRaw = raw("raw/do");
  const r2Raw = raw("raw/r2");
  let counter = 0;
  return [
    {
      provider: name,
      operation: "kv.get",
      raw: "operator.read",
      setup: () => Promise.all([kv.put("bench", VALUE), kvRaw.write()]),
      api: () => kv.get("bench"),
      direct: kvRaw.read,
    },
    {
      provider: name,
      operation: "kv.put",
      raw: "operator.write",
      setup: kvRaw.write,
      api: () => kv.put("bench", VALUE),
      direct: kvRaw.write,
    },
    {
      provider: name,
      operation: "do.get",
      raw: "operator.read",
      setup: () => Promise.all([state.put("bench", VALUE), doRaw.write()]),
      api: () => state.get("bench"),
      direct: doRaw.read,
    },
    {
      provider: name,
      operation: "do.put",
      raw: "operator.write",
      setup: doRaw.write,
      api: () => state.put("bench", VALUE),
      direct: doRaw.write,
    },
    {
      provider: name,
      operation: "do.update",
      raw: "operator.read + write",
      setup: () => Promise.all([state.put("n", 0), doRaw.write()]),
      api: () => state.update<number>("n", (n) => (n ?? 0) + 1),
      direct: async () => {
        await doRaw.read();
        await doRaw.write();
      },
    },
    {
      provider: name,
      operation: "r2.get",
      raw: "operator.read",
      setup: () => Promise.all([r2.put("bench", VALUE), r2Raw.write()]),
      api: async () => (await r2.get("bench"))?.text(),
      direct: r2Raw.read,
    },
    {
      provider: name,
      operation: "r2.put",
      raw: "operator.write",
      setup: r2Raw.write,
      api: () => r2.put("bench", VALUE),
      direct: r2Raw.write,
    },
    {
      provider: name,
      operation: "r2.head",
      raw: "operator.stat",
      setup: r2Raw.write,
      api: () => r2.head("bench"),
      direct: () => operator.stat("raw/r2"),
    },
    {
      provider: name,
      operation: "queue.send",
      raw: "operator.write",
      setup: async () => {},
      api: () => queue.send({ n: 1, pad: VALUE }),
      // Each message is a new record, so the baseline writes a new file each time too.
      direct: () => {
        counter += 1;
        return operator.write(`raw/queue/${counter}`, BYTES);
      },
    },
  ];
}

/**
 * The pure memory providers have nothing beneath them but a Map, so their baseline is the same
 * provider called directly: the figure is the cost of the API layer alone (checks, error wrapping).
 */
function memoryPairs(): OperationPair[] {
  const kvProvider: KvProvider = createMemoryKvProvider();
  const doProvider: DoProvider = createMemoryDoProvider();
  const queueProvider: QueueProvider = createMemoryQueue({ name: "bench" }).provider;
  const kv = createKvApi(kvProvider);
  const state = createDoApi(doProvider);
  const queue = createQueueApi(queueProvider);
  const json = JSON.stringify(VALUE);
  return [
    {
      provider: "memory",
      operation: "kv.get",
      raw: "provider.get",
      setup: () => kv.put("bench", VALUE),
      api: () => kv.get("bench"),
      direct: () => kvProvider.get("bench", "text"),
    },
    {
      provider: "memory",
      operation: "kv.put",
      raw: "provider.put",
      setup: async () => {},
      api: () => kv.put("bench", VALUE),
      direct: () => kvProvider.put("bench", VALUE, {}),
    },
    {
      provider: "memory",
      operation: "do.get",
      raw: "provider.get",
      setup: () => state.put("bench", VALUE),
      api: () => state.get("bench"),
      direct: () => doProvider.get("bench"),
    },
    {
      provider: "memory",
      operation: "do.put",
      raw: "provider.put",
      setup: async () => {},
      api: () => state.put("bench", VALUE),
      direct: () => doProvider.put("bench", json),
    },
    {
      provider: "memory",
      operation: "queue.send",
      raw: "provider.send",
      setup: async () => {},
      api: () => queue.send({ n: 1 }),
      direct: () => queueProvider.send('{"n":1}', undefined),
    },
  ];
}

export function nodePairs(): OperationPair[] {
  const root = mkdtempSync(join(tmpdir(), "flows-bench-caps-"));
  return [
    ...memoryPairs(),
    ...opendalPairs("opendal.memory", createOperator("memory", {})),
    ...opendalPairs("opendal.fs", createOperator("fs", { root })),
  ];
}
