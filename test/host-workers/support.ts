import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare, type MiniflareOptions } from "miniflare";
import { bundleWorkerModule, workerdModuleOptions } from "../../cli/src/workers/bundle-worker";

export const API_TOKEN = "test-token-7f3a";
export const RESUME_SECRET = "resume-secret-91c2";

/** Bundles the fixture Worker the way `flows publish` would: one ES module, cloudflare:* external. */
export async function bundleFixture(entry = "worker.ts"): Promise<string> {
  return bundleWorker(resolve(import.meta.dirname, "fixture", entry));
}

/** Bundles any Worker entry into a temporary directory; returns the module's path. */
export async function bundleWorker(entryPoint: string, options: { minify?: boolean } = {}): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), "flows-worker-"));
  return bundleWorkerModule(entryPoint, join(outdir, "worker.mjs"), options);
}

export function workerOptions(scriptPath: string, extra: Partial<MiniflareOptions> = {}): MiniflareOptions {
  return {
    ...workerdModuleOptions(scriptPath),
    kvNamespaces: ["LEDGER"],
    bindings: { FLOWS_API_TOKEN: API_TOKEN, FLOWS_RESUME_SECRET: RESUME_SECRET },
    queueProducers: { EVENTS: "order-events", DEAD_ORDERS: "order-dlq" },
    queueConsumers: {
      // The Worker dead-letters by itself (its manifest names DEAD_ORDERS); the platform's own
      // limit is set high so it never gets there first.
      "order-events": { maxBatchTimeout: 0.05, maxRetries: 10, retryDelay: 0 },
      "order-dlq": { maxBatchTimeout: 0.05 },
    },
    ...extra,
  } as MiniflareOptions;
}

export function startMiniflare(options: MiniflareOptions): Miniflare {
  return new Miniflare(options);
}

export const auth = { authorization: `Bearer ${API_TOKEN}` };

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, limitMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
