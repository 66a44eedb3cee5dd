import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import type { Measurement } from "../../harness";
import { compareAsync, type RateOptions } from "./sampler";

/** Operations the bench Worker knows (test/workers/caps-bench-worker.ts), with what "raw" calls there. */
export const WORKERD_PAIRS: readonly { readonly operation: string; readonly raw: string }[] = [
  { operation: "kv.get", raw: "KVNamespace.get" },
  { operation: "kv.put", raw: "KVNamespace.put" },
  { operation: "r2.get", raw: "R2Bucket.get + text()" },
  { operation: "r2.put", raw: "R2Bucket.put" },
  { operation: "r2.head", raw: "R2Bucket.head" },
  { operation: "do.get", raw: "stub.stateGet + JSON.parse" },
  { operation: "do.put", raw: "JSON.stringify + stub.statePut" },
  { operation: "do.update", raw: "stub.stateUpdate (parse + stringify)" },
  { operation: "do.reserve", raw: "stub.ledgerReserve + JSON.parse" },
  { operation: "queue.send", raw: "Queue.send (json)" },
];

export interface WorkerdResult {
  readonly operation: string;
  readonly raw: string;
  readonly api: Measurement;
  readonly direct: Measurement;
}

/**
 * Bundles the bench Worker, starts it in workerd through Miniflare (local KV, R2, Queue and a
 * SQLite-backed FlowStateObject), and measures each operation through the capability API and
 * on the binding itself. Each sample is one request that times a batch of calls inside the
 * isolate, so the request's own cost stays out of the figure.
 */
export async function measureWorkerd(
  repoRoot: string,
  options: RateOptions,
  selected: (operation: string) => boolean = () => true,
): Promise<WorkerdResult[]> {
  const scriptPath = join(repoRoot, "bench", ".out", "caps-bench-worker.mjs");
  await build({
    entryPoints: [join(repoRoot, "test", "workers", "caps-bench-worker.ts")],
    outfile: scriptPath,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["cloudflare:*"],
    logLevel: "warning",
    conditions: ["@flows/source"],
  });
  const miniflare = new Miniflare({
    modules: true,
    scriptPath,
    compatibilityDate: "2026-04-26",
    kvNamespaces: ["KV"],
    r2Buckets: ["R2"],
    queueProducers: { QUEUE: "caps-bench" },
    durableObjects: { FLOW_STATE: { className: "FlowStateObject", useSQLite: true } },
    cf: false,
  });
  try {
    const call = async (path: string): Promise<{ ms?: number }> => {
      const response = await miniflare.dispatchFetch(`http://bench.local${path}`);
      return (await response.json()) as { ms?: number };
    };
    const results: WorkerdResult[] = [];
    for (const { operation, raw } of WORKERD_PAIRS) {
      if (!selected(operation)) continue;
      await call(`/setup?pair=${operation}`);
      const timed = (impl: "api" | "raw") => async (count: number) =>
        (await call(`/run?pair=${operation}&impl=${impl}&n=${count}`)).ms ?? Number.NaN;
      const rates = await compareAsync(
        [
          { name: "api", run: timed("api") },
          { name: "raw", run: timed("raw") },
        ],
        options,
      );
      const api = rates.get("api");
      const direct = rates.get("raw");
      if (api && direct) results.push({ operation, raw, api, direct });
    }
    return results;
  } finally {
    await miniflare.dispose();
  }
}
