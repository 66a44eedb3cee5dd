import { formatCount, mark } from "../format";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";
import { nodePairs } from "./caps/node-targets";
import { compareRates, type Rate, sequential } from "./caps/sampler";
import { measureWorkerd } from "./caps/workerd";

/** The capability API may cost at most this much over calling the binding or operator directly. */
const TARGET_OVERHEAD = 0.1;

interface Row {
  readonly provider: string;
  readonly operation: string;
  readonly raw: string;
  readonly api: Rate;
  readonly direct: Rate;
}

const overhead = (row: Row) => row.direct.opsPerSecond / row.api.opsPerSecond - 1;

function print(context: SuiteContext, rows: readonly Row[], targeted: (row: Row) => boolean): void {
  const table = formatTable(
    [
      { header: "provider", align: "left" },
      { header: "operation", align: "left" },
      { header: "API ops/s" },
      { header: "raw ops/s" },
      { header: "overhead" },
      { header: `≤ ${TARGET_OVERHEAD * 100}%`, align: "left" },
      { header: "raw is", align: "left" },
    ],
    rows.map((row) => [
      row.provider,
      row.operation,
      formatCount(Math.round(row.api.opsPerSecond)),
      formatCount(Math.round(row.direct.opsPerSecond)),
      `${(overhead(row) * 100).toFixed(1)}%`,
      targeted(row) ? mark(overhead(row) <= TARGET_OVERHEAD) : "info",
      row.raw,
    ]),
  );
  for (const line of table.split("\n")) context.log(`  ${line}`);
}

async function measureNode(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const pair of nodePairs()) {
    await pair.setup();
    const rates = await compareRates(
      [
        { name: "api", run: sequential(pair.api) },
        { name: "raw", run: sequential(pair.direct) },
      ],
      { batch: { targetMs: 20, min: 10, max: 5_000 }, rounds: 31, warmupBatches: 3 },
    );
    const api = rates.get("api");
    const direct = rates.get("raw");
    if (api && direct) rows.push({ provider: pair.provider, operation: pair.operation, raw: pair.raw, api, direct });
  }
  return rows;
}

export const capsSuite: Suite = {
  name: "caps",
  summary: "capability API vs the raw binding / OpenDAL operator, per provider and operation",
  async run(context) {
    context.log("  ops/s = median over interleaved rounds of sequential awaited calls (API and raw alternate)");
    context.log("  overhead = raw ops/s ÷ API ops/s − 1; the API adds key/size checks, error codes and");
    context.log("  (locally) the storage layout: KV/DO envelopes, R2 sidecars, queue records");
    context.log();
    context.log("  Node, in this process: memory (pure JS), OpenDAL memory, OpenDAL fs (temp dir)");
    const nodeRows = await measureNode();
    // A Map lookup has no I/O to hide a layer's cost behind; its figure shows the API layer alone.
    print(context, nodeRows, (row) => row.provider !== "memory");
    context.log();
    context.log("  workerd via Miniflare (local KV, R2, Queue, SQLite Durable Object): timed inside the isolate");
    const workerd = await measureWorkerd(context.repoRoot, {
      batch: { targetMs: 100, min: 20, max: 2_000 },
      rounds: 21,
      warmupBatches: 1,
    });
    print(
      context,
      workerd.map((result) => ({ provider: "cloudflare", ...result })),
      () => true,
    );
  },
};
