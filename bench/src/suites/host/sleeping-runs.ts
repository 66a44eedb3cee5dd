import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { bundleWorkerModule, workerdModuleOptions } from "../../../../cli/src/workers/bundle-worker";
import { formatMs } from "../../format";
import { median } from "../../harness";
import { CHAIN_TOKEN } from "./chain-miniflare";

const RUNS = 30;
const auth = { authorization: `Bearer ${CHAIN_TOKEN}` };

/**
 * What a sleeping run costs at rest and to wake: RUNS runs of a flow that sleeps 30 days, each
 * suspended in its own run object; then the storage each object holds, and the time of the
 * request that moves the clock past the wake time and runs the alarm handler (which finishes
 * the run) against the same request doing nothing (the floor).
 */
export async function measureSleepingRuns(repoRoot: string): Promise<string[]> {
  const outdir = mkdtempSync(join(tmpdir(), "flows-bench-sleep-"));
  const scriptPath = join(outdir, "sleep.mjs");
  await bundleWorkerModule(join(repoRoot, "bench/src/suites/host/sleep-worker.ts"), scriptPath);
  const mf = new Miniflare({
    ...workerdModuleOptions(scriptPath),
    defaultPersistRoot: join(outdir, "state"),
    bindings: { FLOWS_API_TOKEN: CHAIN_TOKEN, FLOWS_RESUME_SECRET: CHAIN_TOKEN },
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume();
      stderr.resume();
    },
  });
  const call = async (
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ) => {
    const answer = await mf.dispatchFetch(`http://bench.test${path}`, init);
    return (await answer.json()) as Record<string, unknown>;
  };
  try {
    await mf.ready;
    const sizes: { database: number; journal: number }[] = [];
    for (let index = 0; index < RUNS; index += 1) {
      const outcome = await call(`/flows/nap/invoke?run_id=s${index}`, { method: "POST", body: "1", headers: auth });
      if (outcome.status !== "suspended") throw new Error(`run s${index} answered ${JSON.stringify(outcome)}`);
      const size = await call(`/__bench/size?run=s${index}`);
      sizes.push({ database: Number(size.database_bytes), journal: Number(size.journal_bytes) });
    }
    const wake: number[] = [];
    const touch: number[] = [];
    for (let index = 0; index < RUNS; index += 1) {
      let started = performance.now();
      await call(`/__bench/touch?run=s${index}`);
      touch.push(performance.now() - started);
      started = performance.now();
      await call(`/__bench/wake?run=s${index}`);
      wake.push(performance.now() - started);
      const status = await call(`/runs/s${index}`, { headers: auth });
      if (status.status !== "completed") throw new Error(`run s${index} did not finish: ${JSON.stringify(status)}`);
    }
    const wakeOver = wake.map((ms, index) => ms - (touch[index] ?? 0));
    return [
      `\n  a run sleeping 30 days (${RUNS} runs, each in its own run Durable Object, timed from Node):`,
      `    at rest: the object's SQLite database ${median(sizes.map((size) => size.database)).toLocaleString("en-US")} B (median), of which journal entries ${median(sizes.map((size) => size.journal)).toLocaleString("en-US")} B; nothing in memory (the alarm holds it)`,
      `    waking it (alarm handler: continue from the journal, finish the run): ${formatMs(median(wake))} ms per request, ${formatMs(median(wakeOver))} ms over a request that reaches the object and does nothing (${formatMs(median(touch))} ms)`,
    ];
  } finally {
    await mf.dispose();
    rmSync(outdir, { recursive: true, force: true });
  }
}
