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

function pairs(env: BenchEnv): Record<string, Pair> {
  const kv = createKvApi(createCloudflareKvProvider(env.KV));
  const r2 = createR2Api(createCloudflareR2Provider(env.R2));
  const state = createDoApi(createCloudflareDoProvider(env.FLOW_STATE));
  const queue = createQueueApi(createCloudflareQueueProvider(env.QUEUE));
  // Like the provider, the baseline addresses the object by name on each call: it starts from a key.
  const stub = () => env.FLOW_STATE.getByName("state:raw");
  const ledger = () => env.FLOW_STATE.getByName("dedupe:raw");
  return {
    "kv.get": {
      setup: () => Promise.all([kv.put("bench", VALUE), env.KV.put("raw", VALUE)]),
      api: () => kv.get("bench"),
      raw: () => env.KV.get("raw", "text"),
    },
    "kv.put": { setup: async () => {}, api: () => kv.put("bench", VALUE), raw: () => env.KV.put("raw", VALUE) },
    "r2.get": {
      setup: () => Promise.all([r2.put("bench", VALUE), env.R2.put("raw", VALUE)]),
      api: async () => (await r2.get("bench"))?.text(),
      raw: async () => (await env.R2.get("raw"))?.text(),
    },
    "r2.put": { setup: async () => {}, api: () => r2.put("bench", VALUE), raw: () => env.R2.put("raw", VALUE) },
    "r2.head": {
      setup: () => Promise.all([r2.put("bench", VALUE), env.R2.put("raw", VALUE)]),
      api: () => r2.head("bench"),
      raw: () => env.R2.head("raw"),
    },
    "do.get": {
      setup: () => Promise.all([state.put("bench", VALUE), stub().statePut("raw", JSON.stringify(VALUE))]),
      api: () => state.get("bench"),
      raw: () =>
        stub()
          .stateGet("raw")
          .then((text) => (text === null ? undefined : JSON.parse(text))),
    },
    "do.put": {
      setup: async () => {},
      api: () => state.put("bench", VALUE),
      raw: () => stub().statePut("raw", JSON.stringify(VALUE)),
    },
    "do.update": {
      setup: () => Promise.all([state.put("n", 0), env.FLOW_STATE.getByName("state:raw-n").statePut("raw-n", "0")]),
      api: () => state.update<number>("n", (n) => (n ?? 0) + 1),
      raw: () =>
        env.FLOW_STATE.getByName("state:raw-n").stateUpdate("raw-n", (n) =>
          JSON.stringify((n === null ? 0 : (JSON.parse(n) as number)) + 1),
        ),
    },
    "do.reserve": {
      setup: async () => {},
      api: () => state.reserve("bench", "run-1", 300_000),
      raw: () =>
        ledger()
          .ledgerReserve("raw", "run-1", 300_000)
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
