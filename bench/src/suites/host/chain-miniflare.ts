import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { bundleWorkerModule, workerdModuleOptions } from "../../../../cli/src/workers/bundle-worker";

/** The API token the bench Worker's flow routes expect. */
export const CHAIN_TOKEN = "bench-token";

/** Where the bench Worker's Durable Objects and Workflows keep their SQLite files. */
export type ChainStorage = "tmpfs" | "disk";

/**
 * On tmpfs (/dev/shm) when the machine has one, unless BENCH_HOST_STORAGE=disk (Miniflare's own
 * default, a temporary folder on disk). On this machine's disk a new object's database costs
 * about 10 ms more, with a long tail (fsync), which drowns a few µs per step in noise; that is
 * the local disk's figure, not Cloudflare's, and the three runners share the same storage.
 */
function storageFolder(): string | undefined {
  if (process.env.BENCH_HOST_STORAGE === "disk" || !existsSync("/dev/shm")) return undefined;
  return mkdtempSync("/dev/shm/flows-bench-chain-");
}

export interface ChainWorker {
  readonly mf: Miniflare;
  readonly storage: ChainStorage;
  dispose(): Promise<void>;
}

/** Bundles bench/src/suites/host/chain-worker.ts and starts it in a fresh workerd. */
export async function startChainWorker(repoRoot: string): Promise<ChainWorker> {
  const outdir = mkdtempSync(join(tmpdir(), "flows-bench-chain-"));
  const scriptPath = join(outdir, "chain.mjs");
  await bundleWorkerModule(join(repoRoot, "bench/src/suites/host/chain-worker.ts"), scriptPath);
  const base = workerdModuleOptions(scriptPath);
  const folder = storageFolder();
  const mf = new Miniflare({
    ...base,
    ...(folder === undefined ? {} : { defaultPersistRoot: folder }),
    durableObjects: { ...base.durableObjects, FLOOR: { className: "FloorObject", useSQLite: true } },
    workflows: { CHAIN: { name: "chain", className: "ChainWorkflow" } },
    bindings: { FLOWS_API_TOKEN: CHAIN_TOKEN, FLOWS_RESUME_SECRET: CHAIN_TOKEN },
    // What the Worker logs is still written (its cost counts); it is just not printed.
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume();
      stderr.resume();
    },
  });
  const dispose = async () => {
    await mf.dispose();
    // Thousands of objects' databases, in memory while they stay on tmpfs.
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    rmSync(outdir, { recursive: true, force: true });
  };
  try {
    await mf.ready;
  } catch (error) {
    await dispose();
    throw error;
  }
  return { mf, storage: folder === undefined ? "disk" : "tmpfs", dispose };
}
