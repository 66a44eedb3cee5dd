import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { bundleWorkerModule, workerdModuleOptions } from "../../../cli/src/workers/bundle-worker";
import { bucketOf, shardName, shardOf } from "../../../host-workers/src/run-index/address";
import { startRunsAtOnce } from "../../../test/host-workers/index-support";
import { API_TOKEN } from "../../../test/host-workers/support";
import { formatMs } from "../format";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";

const STARTS = 1_000;
const SOCKETS = 50;
const INDEXED = 100_000;
/** The inserted rows span this long before now: 168 hour buckets of 8 shards. */
const SPAN_MS = 7 * 24 * 60 * 60 * 1000;
const SHARDS = 8;
const LATENCY_SAMPLES = 25;
const FLOWS = ["orders", "billing", "reports", "emails", "sync"];
const STATUSES = ["completed", "completed", "completed", "failed", "halted", "running"];

const auth = { authorization: `Bearer ${API_TOKEN}` };

function options(scriptPath: string): ConstructorParameters<typeof Miniflare>[0] {
  return {
    ...workerdModuleOptions(scriptPath),
    bindings: { FLOWS_API_TOKEN: API_TOKEN, FLOWS_RESUME_SECRET: "bench" },
  };
}

interface Page {
  runs: { run_id: string; status: string }[];
  next_cursor: string | null;
}

async function page(mf: Miniflare, query: string): Promise<Page> {
  const answer = await mf.dispatchFetch(`http://bench.test/runs?${query}`, { headers: auth });
  if (answer.status !== 200) throw new Error(`GET /runs?${query} answered ${answer.status}: ${await answer.text()}`);
  return (await answer.json()) as Page;
}

/** Every row for `query`, following cursors; how many pages that took. */
async function all(mf: Miniflare, query: string): Promise<{ rows: Page["runs"]; pages: number }> {
  const rows: Page["runs"] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const got = await page(mf, `${query}&limit=200${cursor === null ? "" : `&cursor=${cursor}`}`);
    rows.push(...got.runs);
    cursor = got.next_cursor;
    pages += 1;
  } while (cursor !== null);
  return { rows, pages };
}

/** 1,000 async starts at once; when they were all answered, all listed, all listed completed. */
async function measureStarts(context: SuiteContext, scriptPath: string) {
  const mf = new Miniflare(options(scriptPath));
  const url = await mf.ready;
  try {
    const ids = Array.from({ length: STARTS }, (_, index) => `start-${index}`);
    const wanted = new Set(ids);
    const began = performance.now();
    const started = await startRunsAtOnce(url, "hello", ids, SOCKETS);
    const answeredMs = performance.now() - began;
    let listedMs: number | undefined;
    let completedMs: number | undefined;
    let listed = 0;
    let polls = 0;
    while (completedMs === undefined && performance.now() - began < 600_000) {
      const { rows } = await all(mf, "flow=hello");
      polls += 1;
      const ours = rows.filter((row) => wanted.has(row.run_id));
      listed = ours.length;
      if (listedMs === undefined && listed === STARTS) listedMs = performance.now() - began;
      if (ours.length === STARTS && ours.every((row) => row.status === "completed")) {
        completedMs = performance.now() - began;
      }
    }
    context.log(
      `  answers ${JSON.stringify(started.statuses)}; connection errors retried with the same run id ${JSON.stringify(started.retried)}; listing polls ${polls}`,
    );
    return { answeredMs, listedMs, completedMs, missing: STARTS - listed };
  } finally {
    await mf.dispose();
  }
}

/** 100,000 rows put straight into the shards, through the shard route the run objects use. */
async function fillIndex(mf: Miniflare, now: number): Promise<number> {
  const namespace = await mf.getDurableObjectNamespace("FLOW_RUNS");
  const batches = new Map<string, { bucket: number; shard: number; rows: unknown[] }>();
  for (let index = 0; index < INDEXED; index += 1) {
    const runId = `filled-${String(index).padStart(6, "0")}`;
    const startedAt = now - SPAN_MS + Math.floor((index * SPAN_MS) / INDEXED);
    const bucket = bucketOf(startedAt);
    const shard = shardOf(runId, SHARDS);
    const status = STATUSES[index % STATUSES.length] as string;
    const key = shardName(bucket, shard);
    const batch = batches.get(key) ?? { bucket, shard, rows: [] };
    batch.rows.push({
      run_id: runId,
      flow: FLOWS[index % FLOWS.length],
      status,
      trigger: "async",
      started_at: startedAt,
      updated_at: startedAt + 40,
      finished_at: status === "completed" || status === "failed" ? startedAt + 40 : null,
      checkpoint: status === "halted" ? "approve" : null,
      wake_at: null,
      error_code: status === "failed" ? "NODE500" : null,
      version: 1,
    });
    batches.set(key, batch);
  }
  const began = performance.now();
  const queue = [...batches.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [name, batch] = next;
      const stub = namespace.get(namespace.idFromName(name));
      const answer = await stub.fetch("https://flow-run.internal/index/put", {
        method: "POST",
        body: JSON.stringify(batch),
      });
      if (!answer.ok) throw new Error(`shard ${name} answered ${answer.status}`);
      await answer.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return performance.now() - began;
}

const quantile = (values: readonly number[], fraction: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
};

async function latency(mf: Miniflare, query: string): Promise<{ p50: number; p90: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let sample = 0; sample < LATENCY_SAMPLES; sample += 1) {
    const began = performance.now();
    rows = (await page(mf, query)).runs.length;
    times.push(performance.now() - began);
  }
  return { p50: quantile(times, 0.5), p90: quantile(times, 0.9), rows };
}

/**
 * The run index: 1,000 run starts at once and how long until all are listed; then listing
 * latency with 100,000 runs indexed (rows put straight into the shards), against GET /health
 * in the same workerd as the floor of a request.
 */
export const indexSuite: Suite = {
  name: "index",
  summary: "run index: 1,000 concurrent run starts until all listed; GET /runs latency with 100,000 runs indexed",
  async run(context: SuiteContext) {
    const outdir = mkdtempSync(join(tmpdir(), "flows-bench-index-"));
    const scriptPath = await bundleWorkerModule(
      join(context.repoRoot, "bench/src/suites/index/index-worker.ts"),
      join(outdir, "index-worker.mjs"),
      { minify: true },
    );
    context.log(`== index: ${STARTS} async run starts at once over ${SOCKETS} kept-alive connections (Miniflare)`);
    const starts = await measureStarts(context, scriptPath);
    const seconds = (ms: number | undefined) => (ms === undefined ? "not within 600 s" : `${(ms / 1000).toFixed(1)} s`);
    context.log(
      formatTable(
        [
          { header: "starts" },
          ...["all answered 202", "all listed", "all listed completed", "missing"].map((header) => ({
            header,
            align: "right" as const,
          })),
        ],
        [
          [
            String(STARTS),
            seconds(starts.answeredMs),
            seconds(starts.listedMs),
            seconds(starts.completedMs),
            String(starts.missing),
          ],
        ],
      ),
    );

    context.log(
      `== index: GET /runs with ${INDEXED.toLocaleString("en-US")} runs indexed over 7 days (168 hour buckets x ${SHARDS} shards)`,
    );
    const mf = new Miniflare(options(scriptPath));
    await mf.ready;
    try {
      const now = Date.now();
      const fillMs = await fillIndex(mf, now);
      context.log(
        `  rows put straight into the shards through their /index/put route in ${(fillMs / 1000).toFixed(1)} s`,
      );
      const everything = await all(mf, "flow=orders&status=failed");
      context.log(
        `  check: flow=orders&status=failed lists ${everything.rows.length} runs in ${everything.pages} pages`,
      );
      const since = now - 2 * 24 * 60 * 60 * 1000;
      const cases: [string, string][] = [
        ["GET /health (the floor)", ""],
        ["first page, 50 newest", "limit=50"],
        ["first page, 200 newest", "limit=200"],
        ["flow=billing", "flow=billing&limit=50"],
        ["status=halted", "status=halted&limit=50"],
        ["flow=orders&status=failed", "flow=orders&status=failed&limit=50"],
        ["since 2 days ago, until 1 day ago", `since=${since}&until=${since + 86_400_000}&limit=50`],
      ];
      const rows: string[][] = [];
      for (const [label, query] of cases) {
        if (query === "") {
          const times: number[] = [];
          for (let sample = 0; sample < LATENCY_SAMPLES; sample += 1) {
            const began = performance.now();
            await (await mf.dispatchFetch("http://bench.test/health")).arrayBuffer();
            times.push(performance.now() - began);
          }
          rows.push([label, "", formatMs(quantile(times, 0.5)), formatMs(quantile(times, 0.9))]);
          continue;
        }
        const measured = await latency(mf, query);
        rows.push([label, String(measured.rows), formatMs(measured.p50), formatMs(measured.p90)]);
      }
      // A page deep in the history: the 40th page of 50 (following cursors).
      let cursor: string | null = null;
      for (let index = 0; index < 39; index += 1) {
        cursor = (await page(mf, `limit=50${cursor === null ? "" : `&cursor=${cursor}`}`)).next_cursor;
      }
      const deep = await latency(mf, `limit=50&cursor=${cursor}`);
      rows.push(["40th page of 50 (cursor)", String(deep.rows), formatMs(deep.p50), formatMs(deep.p90)]);
      context.log(
        formatTable(
          [
            { header: "request", align: "left" },
            ...["runs", "p50 ms", "p90 ms"].map((header) => ({ header, align: "right" as const })),
          ],
          rows,
        ),
      );
      context.log(`  ${LATENCY_SAMPLES} requests each, one at a time, from Node through Miniflare's dispatchFetch`);
    } finally {
      await mf.dispose();
    }
  },
};
