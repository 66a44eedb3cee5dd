import { mkdtempSync, rmSync } from "node:fs";
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
import { createInstantOperator } from "./instant-operator";

/** One operation measured two ways: through the capability API and straight on what lies beneath. */
export interface OperationPair {
  readonly provider: string;
  readonly operation: string;
  /** What the baseline calls. */
  readonly raw: string;
  /** Whether the ≤ 10 % target applies (otherwise the row is information). */
  readonly targeted: boolean;
  setup(): Promise<unknown>;
  api(): Promise<unknown>;
  direct(): Promise<unknown>;
}

const VALUE = "x".repeat(256);
const KEY = "bench";
/** Objects the cold `r2.head` row cycles through, each met once per fresh provider. */
const COLD_KEYS = 256;

/**
 * KV, DO, R2 and queue pairs on one OpenDAL operator. The baseline does what code holding the
 * operator would do for the same call, starting from the same inputs (a key and a string or
 * JSON value) and ending with the same kind of result: it builds a path from the key, turns
 * the value into bytes (`Buffer.from`, faster than handing OpenDAL the string) and, for JSON
 * values, stringifies and parses. It stores no metadata, so it needs no layout.
 */
function opendalPairs(name: string, operator: Operator): OperationPair[] {
  const kv = createKvApi(createOpendalKvProvider(operator));
  const state = createDoApi(createOpendalDoProvider(operator));
  const r2 = createR2Api(createOpendalR2Provider(operator));
  const queue = createQueueApi(createOpendalQueue(operator, { name: "bench" }).provider);
  const path = (folder: string, key: string) => `raw/${folder}/${key}`;
  const text = (folder: string, key: string) => operator.read(path(folder, key)).then((bytes) => bytes.toString());
  const json = (folder: string, key: string) =>
    operator.read(path(folder, key)).then((bytes) => JSON.parse(bytes.toString()) as unknown);
  const write = (folder: string, key: string, value: string) => operator.write(path(folder, key), Buffer.from(value));
  // Writes go to the very file the API writes, so neither side gets a friendlier file or folder.
  const overwrite = (file: string, value: string) => operator.write(file, Buffer.from(value));
  const body = { n: 1, pad: VALUE };
  let sent = 0;
  let coldApi = 0;
  let coldRaw = 0;
  let coldR2 = r2;
  const pair = (
    operation: string,
    raw: string,
    rest: Omit<OperationPair, "provider" | "operation" | "raw" | "targeted">,
  ) => ({ provider: name, operation, raw, targeted: true, ...rest }) satisfies OperationPair;
  return [
    pair("kv.get", "operator.read + toString", {
      setup: () => Promise.all([kv.put(KEY, VALUE), write("kv", KEY, VALUE)]),
      api: () => kv.get(KEY),
      direct: () => text("kv", KEY),
    }),
    pair("kv.put", "operator.write", {
      setup: async () => {},
      api: () => kv.put(KEY, VALUE),
      direct: () => overwrite(`kv/${KEY}`, VALUE),
    }),
    pair("do.get", "operator.read + JSON.parse", {
      setup: () => Promise.all([state.put(KEY, VALUE), write("do", KEY, JSON.stringify(VALUE))]),
      api: () => state.get(KEY),
      direct: () => json("do", KEY),
    }),
    pair("do.put", "JSON.stringify + operator.write", {
      setup: async () => {},
      api: () => state.put(KEY, VALUE),
      direct: () => overwrite(`do-state/${KEY}`, JSON.stringify(VALUE)),
    }),
    pair("do.update", "read + parse + stringify + write", {
      setup: () => Promise.all([state.put("n", 0), write("do", "n", "0")]),
      api: () => state.update<number>("n", (n) => (n ?? 0) + 1),
      direct: () => json("do", "n").then((n) => write("do", "n", JSON.stringify((n as number) + 1))),
    }),
    pair("r2.get", "operator.read + toString", {
      setup: () => Promise.all([r2.put(KEY, VALUE), write("r2", KEY, VALUE)]),
      api: () => r2.get(KEY).then((object) => object?.text()),
      direct: () => text("r2", KEY),
    }),
    pair("r2.put", "operator.write", {
      setup: async () => {},
      api: () => r2.put(KEY, VALUE),
      direct: () => overwrite(`r2/records/${KEY}`, VALUE),
    }),
    pair("r2.head", "operator.stat", {
      setup: () => Promise.all([r2.put(KEY, VALUE), write("r2", KEY, VALUE)]),
      api: () => r2.head(KEY),
      direct: () => operator.stat(path("r2", KEY)),
    }),
    {
      ...pair("r2.head cold", "operator.stat", {
        setup: async () => {
          for (let index = 0; index < COLD_KEYS; index += 1) {
            await r2.put(`cold/${index}`, VALUE);
            await write("cold", String(index), VALUE);
          }
        },
        // A provider that has not seen the object yet (another process wrote it, or this one
        // restarted): each key is met once per provider.
        api: () => {
          const index = coldApi % COLD_KEYS;
          if (index === 0) coldR2 = createR2Api(createOpendalR2Provider(operator));
          coldApi += 1;
          return coldR2.head(`cold/${index}`);
        },
        direct: () => {
          const index = coldRaw % COLD_KEYS;
          coldRaw += 1;
          return operator.stat(path("cold", String(index)));
        },
      }),
      targeted: false,
    },
    pair("queue.send", "JSON.stringify + operator.write", {
      setup: async () => {},
      api: () => queue.send(body),
      // Each message is a new record, so the baseline writes a new file each time too.
      direct: () => {
        sent += 1;
        return write("queue", String(sent), JSON.stringify(body));
      },
    }),
  ];
}

/**
 * The pure memory providers have nothing beneath them but a Map, so their baseline is the same
 * provider called directly: the figure is the cost of the API layer alone (checks, error
 * wrapping), for information.
 */
function memoryPairs(): OperationPair[] {
  const kvProvider: KvProvider = createMemoryKvProvider();
  const doProvider: DoProvider = createMemoryDoProvider();
  const queueProvider: QueueProvider = createMemoryQueue({ name: "bench" }).provider;
  const kv = createKvApi(kvProvider);
  const state = createDoApi(doProvider);
  const queue = createQueueApi(queueProvider);
  const pair = (
    operation: string,
    raw: string,
    rest: Omit<OperationPair, "provider" | "operation" | "raw" | "targeted">,
  ) => ({ provider: "memory", operation, raw, targeted: false, ...rest }) satisfies OperationPair;
  return [
    pair("kv.get", "provider.get", {
      setup: () => kv.put(KEY, VALUE),
      api: () => kv.get(KEY),
      direct: () => kvProvider.get(KEY, "text"),
    }),
    pair("kv.put", "provider.put", {
      setup: async () => {},
      api: () => kv.put(KEY, VALUE),
      direct: () => kvProvider.put(KEY, VALUE, {}),
    }),
    pair("do.get", "provider.get + JSON.parse", {
      setup: () => state.put(KEY, VALUE),
      api: () => state.get(KEY),
      direct: () => doProvider.get(KEY).then((text) => (text === undefined ? undefined : JSON.parse(text))),
    }),
    pair("do.put", "JSON.stringify + provider.put", {
      setup: async () => {},
      api: () => state.put(KEY, VALUE),
      direct: () => doProvider.put(KEY, JSON.stringify(VALUE)),
    }),
    pair("queue.send", "JSON.stringify + provider.send", {
      setup: async () => {},
      api: () => queue.send({ n: 1 }),
      direct: () => queueProvider.send(JSON.stringify({ n: 1 }), undefined),
    }),
  ];
}

/** The OpenDAL pairs over the instant stand-in: what the JavaScript around each call costs. */
export function instantPairs(): OperationPair[] {
  return opendalPairs("instant", createInstantOperator()).filter((pair) => pair.targeted);
}

/** Every Node pair, and a way to remove the fs root they write to. */
export function nodePairs(): { readonly pairs: OperationPair[]; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), "flows-bench-caps-"));
  return {
    pairs: [
      ...memoryPairs(),
      ...opendalPairs("opendal.memory", createOperator("memory", {})),
      ...opendalPairs("opendal.fs", createOperator("fs", { root })),
    ],
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
