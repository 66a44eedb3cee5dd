// A Worker for the capability bench (bench/src/suites/caps.bench.ts drives it through
// Miniflare): it times N calls of one operation, through the capability API or straight on the
// binding, inside workerd. Not a test; vitest only picks up *.test.ts.
import { createDoApi } from "@flows/cap-do";
import { createCloudflareDoProvider } from "@flows/cap-do/workers";
import { createKvApi } from "@flows/cap-kv";
import { createCloudflareKvProvider } from "@flows/cap-kv/workers";
import { createQueueApi } from "@flows/cap-queue";
import { createCloudflareQueueProvider } from "@flows/cap-queue/workers";
import { createR2Api } from "@flows/cap-r2";
import { createCloudflareR2Provider } from "@flows/cap-r2/workers";

export { FlowStateObject } from "@flows/cap-do/durable-object";

interface BenchEnv {
  readonly KV: KVNamespace;
  readonly R2: R2Bucket;
  readonly QUEUE: Queue;
  readonly FLOW_STATE: DurableObjectNamespace<import("@flows/cap-do/durable-object").FlowStateObject>;
}

type Op = () => Promise<unknown>;
interface Pair {
  readonly setup: () => Promise<unknown>;
  readonly api: Op;
  readonly raw: Op;
}

const VALUE = "x".repeat(256);
const KEY = "bench";

function pairs(env: BenchEnv): Record<string, Pair> {
  const kv = createKvApi(createCloudflareKvProvider(env.KV));
  const r2 = createR2Api(createCloudflareR2Provider(env.R2));
  const state = createDoApi(createCloudflareDoProvider(env.FLOW_STATE));
  const queue = createQueueApi(createCloudflareQueueProvider(env.QUEUE));
  // Both sides use the same key, row and Durable Object instance, so local storage that is
  // faster for one file or object than another cannot favour either. Like the provider, the
  // baseline addresses the object by name on each call: it starts from a key too.
  const object = (name: string) => env.FLOW_STATE.getByName(name);
  return {
    "kv.get": {
      setup: () => kv.put(KEY, VALUE),
      api: () => kv.get(KEY),
      raw: () => env.KV.get(KEY, "text"),
    },
    "kv.put": { setup: async () => {}, api: () => kv.put(KEY, VALUE), raw: () => env.KV.put(KEY, VALUE) },
    "r2.get": {
      setup: () => r2.put(KEY, VALUE),
      api: async () => (await r2.get(KEY))?.text(),
      raw: async () => (await env.R2.get(KEY))?.text(),
    },
    "r2.put": { setup: async () => {}, api: () => r2.put(KEY, VALUE), raw: () => env.R2.put(KEY, VALUE) },
    "r2.head": {
      setup: () => r2.put(KEY, VALUE),
      api: () => r2.head(KEY),
      raw: () => env.R2.head(KEY),
    },
    "do.get": {
      setup: () => state.put(KEY, VALUE),
      api: () => state.get(KEY),
      raw: () =>
        object(`state:${KEY}`)
          .stateGet(KEY)
          .then((text) => (text === null ? undefined : JSON.parse(text))),
    },
    "do.put": {
      setup: async () => {},
      api: () => state.put(KEY, VALUE),
      raw: () => object(`state:${KEY}`).statePut(KEY, JSON.stringify(VALUE)),
    },
    "do.update": {
      setup: () => state.put("n", 0),
      api: () => state.update<number>("n", (n) => (n ?? 0) + 1),
      raw: () =>
        object("state:n").stateUpdate("n", (n) => JSON.stringify((n === null ? 0 : (JSON.parse(n) as number)) + 1)),
    },
    "do.reserve": {
      setup: async () => {},
      api: () => state.reserve(KEY, "run-1", 300_000),
      raw: () =>
        object(`dedupe:${KEY}`)
          .ledgerReserve(KEY, "run-1", 300_000)
          .then((text) => JSON.parse(text)),
    },
    "queue.send": {
      setup: async () => {},
      api: () => queue.send({ n: 1, pad: VALUE }),
      raw: () => env.QUEUE.send({ n: 1, pad: VALUE }, { contentType: "json" }),
    },
  };
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    const pair = pairs(env)[url.searchParams.get("pair") ?? ""];
    if (!pair) return Response.json({ pairs: Object.keys(pairs(env)) });
    if (url.pathname === "/setup") {
      await pair.setup();
      return Response.json({ ok: true });
    }
    const op = url.searchParams.get("impl") === "raw" ? pair.raw : pair.api;
    const count = Number(url.searchParams.get("n") ?? "100");
    // Time inside the isolate: workerd's clock advances across I/O, and every call here is I/O.
    const start = performance.now();
    for (let index = 0; index < count; index += 1) await op();
    return Response.json({ ms: performance.now() - start, count });
  },
} satisfies ExportedHandler<BenchEnv>;
