import { formatCount, formatMicros, mark } from "../format";
import type { Measurement } from "../harness";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";
import { instantPairs, nodePairs } from "./caps/node-targets";
import { compareAsync, type Overhead, overheadOf, sequential } from "./caps/sampler";
import { measureWorkerd, WORKERD_PAIRS } from "./caps/workerd";

/** The capability API may cost at most this much over calling the binding or operator directly. */
const TARGET_OVERHEAD = 0.1;

/**
 * `BENCH_CAPS=opendal.fs,r2.head` keeps only the rows whose provider or operation contains one
 * of the comma-separated words ("cloudflare" selects the workerd rows).
 */
const FILTER = (process.env.BENCH_CAPS ?? "")
  .split(",")
  .map((word) => word.trim())
  .filter((word) => word !== "");
const selected = (provider: string, operation: string) =>
  FILTER.length === 0 || FILTER.some((word) => provider.includes(word) || operation.includes(word));

interface Row {
  readonly provider: string;
  readonly operation: string;
  readonly raw: string;
  readonly targeted: boolean;
  readonly api: Measurement;
  readonly direct: Measurement;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

function print(context: SuiteContext, rows: readonly Row[]): void {
  const table = formatTable(
    [
      { header: "provider", align: "left" },
      { header: "operation", align: "left" },
      { header: "API µs" },
      { header: "raw µs" },
      { header: "+µs" },
      { header: "API ops/s" },
      { header: "overhead" },
      { header: "quartiles" },
      { header: `≤ ${TARGET_OVERHEAD * 100}%`, align: "left" },
      { header: "raw is", align: "left" },
    ],
    rows.map((row) => {
      const overhead: Overhead = overheadOf(row.api, row.direct);
      const apiMicros = row.api.median * 1000;
      const rawMicros = row.direct.median * 1000;
      return [
        row.provider,
        row.operation,
        formatMicros(apiMicros),
        formatMicros(rawMicros),
        formatMicros(apiMicros - rawMicros),
        formatCount(Math.round(1000 / row.api.median)),
        percent(overhead.median),
        `${percent(overhead.lower)}…${percent(overhead.upper)}`,
        row.targeted ? mark(overhead.median <= TARGET_OVERHEAD) : "info",
        row.raw,
      ];
    }),
  );
  for (const line of table.split("\n")) context.log(`  ${line}`);
}

async function measureNode(): Promise<Row[]> {
  const rows: Row[] = [];
  const { pairs, dispose } = nodePairs();
  try {
    for (const pair of pairs) {
      if (!selected(pair.provider, pair.operation)) continue;
      await pair.setup();
      const measured = await compareAsync(
        [
          { name: "api", run: sequential(pair.api) },
          { name: "raw", run: sequential(pair.direct) },
        ],
        { batch: { targetMs: 5, min: 5, max: 1_000 }, rounds: 301, warmupBatches: 20 },
      );
      const api = measured.get("api");
      const direct = measured.get("raw");
      if (api && direct) rows.push({ ...pair, api, direct });
    }
  } finally {
    dispose();
  }
  return rows;
}

/**
 * The same OpenDAL pairs on an operator that answers at once: API minus raw is the API's own
 * JavaScript per call (checks, layout, error wrapping, promises), with no I/O wait to hide
 * it. Minimum over rounds: on a busy machine only the noise varies, and it only adds.
 */
async function measureJavaScript(context: SuiteContext): Promise<void> {
  const rows: string[][] = [];
  for (const pair of instantPairs()) {
    if (!selected("opendal", pair.operation)) continue;
    await pair.setup();
    const measured = await compareAsync(
      [
        { name: "api", run: sequential(pair.api) },
        { name: "raw", run: sequential(pair.direct) },
      ],
      { batch: 2_000, rounds: 21, warmupBatches: 3 },
    );
    const api = measured.get("api");
    const direct = measured.get("raw");
    if (api === undefined || direct === undefined) continue;
    rows.push([
      pair.operation,
      formatMicros(api.min * 1000),
      formatMicros(direct.min * 1000),
      formatMicros((api.min - direct.min) * 1000),
    ]);
  }
  if (rows.length === 0) return;
  context.log(
    "  JavaScript per call without I/O (the OpenDAL pairs on a stand-in that answers at once; min over rounds)",
  );
  const table = formatTable(
    [{ header: "operation", align: "left" }, { header: "API µs" }, { header: "raw µs" }, { header: "API adds µs" }],
    rows,
  );
  for (const line of table.split("\n")) context.log(`  ${line}`);
  context.log();
}

export const capsSuite: Suite = {
  name: "caps",
  summary: "capability API vs the raw binding / OpenDAL operator, per provider and operation",
  async run(context) {
    context.log(
      "  µs = median time per call over interleaved rounds of sequential awaited calls (API and raw alternate)",
    );
    context.log("  overhead = median over rounds of (API time ÷ raw time) − 1, with its quartiles; the raw side");
    context.log("  starts from the same key and value and does what code on the binding or operator would do");
    context.log();
    await measureJavaScript(context);
    const nodeRows = await measureNode();
    if (nodeRows.length > 0) {
      context.log("  Node, in this process: memory (pure JS; information), OpenDAL memory, OpenDAL fs (temp dir)");
      print(context, nodeRows);
      context.log();
    }
    const workerdSelected = (operation: string) => selected("cloudflare", operation);
    if (FILTER.length > 0 && !WORKERD_PAIRS.some(({ operation }) => workerdSelected(operation))) return;
    context.log("  workerd via Miniflare (local KV, R2, Queue, SQLite Durable Object): timed inside the isolate");
    const workerd = await measureWorkerd(
      context.repoRoot,
      { batch: { targetMs: 75, min: 5, max: 2_000 }, rounds: 81, warmupBatches: 4 },
      workerdSelected,
    );
    print(
      context,
      workerd.map((result) => ({ provider: "cloudflare", targeted: true, ...result })),
    );
  },
};
