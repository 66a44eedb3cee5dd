import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCli, flows, flowsBin, start } from "../../../test/publish/support";
import { keepAliveLoad, type LoadResult, quantile } from "../../../test/support/keepalive-load";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";

const TOTAL = 1_000;
const CONCURRENCY = 50;
const ROUNDS = 3;

/**
 * The floor: Miniflare alone, persisted on disk like `flows dev`, with a Worker doing per
 * request what a run of the init flow does at the least: a new SQLite Durable Object that
 * writes a row, reads a KV key and writes it back. In a process of its own, as `flows dev` is.
 */
const BARE_MINIFLARE = `
import { Miniflare } from "miniflare";
const script = \`
export class Run {
  constructor(state, env) { this.state = state; this.env = env; }
  async fetch(request) {
    this.state.storage.sql.exec("CREATE TABLE IF NOT EXISTS journal (entry TEXT)");
    this.state.storage.sql.exec("INSERT INTO journal VALUES (?)", "started");
    const { name } = await request.json();
    const visits = Number((await this.env.KV.get("visits:" + name)) ?? "0") + 1;
    await this.env.KV.put("visits:" + name, String(visits));
    return Response.json({ name, visits });
  }
}
export default {
  fetch(request, env) {
    return env.RUNS.get(env.RUNS.idFromName(crypto.randomUUID())).fetch(request);
  },
};\`;
const state = process.argv[1];
const mf = new Miniflare({
  modules: true, script, compatibilityDate: "2026-04-26", host: "127.0.0.1", port: 0,
  kvNamespaces: ["KV"], durableObjects: { RUNS: { className: "Run", useSQLite: true } },
  kvPersist: state + "/kv", durableObjectsPersist: state + "/do",
});
console.log("ready on " + (await mf.ready).origin);
process.on("SIGTERM", () => mf.dispose().then(() => process.exit(0)));
`;

async function load(url: string): Promise<LoadResult> {
  return keepAliveLoad({
    url,
    total: TOTAL,
    concurrency: CONCURRENCY,
    headers: { authorization: "Bearer dev-token", "content-type": "application/json" },
    body: (index) => JSON.stringify({ name: `visitor-${index % 37}` }),
  });
}

async function measureFlowsDev(scratch: string, round: number): Promise<LoadResult> {
  const init = flows(["init", `hello-${round}`], scratch);
  if (init.status !== 0) throw new Error(`flows init failed: ${init.stderr}`);
  const dev = start(process.execPath, [flowsBin, "dev", "--port", "0"], join(scratch, `hello-${round}`));
  try {
    const output = await dev.waitFor(/curl http:\S+\/health\n/, 120_000);
    const url = (/ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) as RegExpExecArray)[1] as string;
    return await load(`${url}/flows/hello/invoke`);
  } finally {
    await dev.stop();
  }
}

async function measureBare(context: SuiteContext, scratch: string, round: number): Promise<LoadResult> {
  const bare = start(
    process.execPath,
    ["--input-type=module", "-e", BARE_MINIFLARE, join(scratch, `bare-${round}`)],
    context.repoRoot,
  );
  try {
    const output = await bare.waitFor(/ready on http:\S+/, 60_000);
    const url = (/ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) as RegExpExecArray)[1] as string;
    return await load(`${url}/`);
  } finally {
    await bare.stop();
  }
}

/** Requests with no answer, and answers other than 200: both are failures a client sees. */
const errorsOf = (result: LoadResult) =>
  [
    ...Object.values(result.errors),
    ...Object.entries(result.statuses).flatMap(([status, n]) => (status === "200" ? [] : [n])),
  ].reduce((sum, count) => sum + count, 0);
const detail = (result: LoadResult) => JSON.stringify({ ...result.errors, ...result.statuses });
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** `flows dev` answering invocations from kept-alive clients, against bare Miniflare doing the least a run does. */
export const devSuite: Suite = {
  name: "dev",
  summary: `flows dev: ${TOTAL} invocations at ${CONCURRENCY} keep-alive clients vs bare Miniflare`,
  async run(context: SuiteContext) {
    buildCli();
    const scratch = mkdtempSync(join(tmpdir(), "flows-bench-dev-"));
    const rows: string[][] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Interleaved, each peer in a fresh process with fresh state, so neither inherits the other's load.
        const ours = await measureFlowsDev(scratch, round);
        const bare = await measureBare(context, scratch, round);
        const p50 = quantile(ours.latencies, 0.5);
        const p99 = quantile(ours.latencies, 0.99);
        context.log(`round ${round + 1}: flows dev ${detail(ours)}; bare ${detail(bare)}`);
        rows.push([
          String(round + 1),
          `${errorsOf(ours)}`,
          ms(p50),
          ms(p99),
          `${(ours.wallMs / 1000).toFixed(1)} s`,
          `${errorsOf(bare)}`,
          ms(quantile(bare.latencies, 0.5)),
          ms(quantile(bare.latencies, 0.99)),
          `${(p50 / quantile(bare.latencies, 0.5)).toFixed(2)}×`,
          `${(p99 / quantile(bare.latencies, 0.99)).toFixed(2)}×`,
        ]);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    context.log(
      formatTable(
        [
          { header: "round" },
          ...["errors", "p50", "p99", "wall", "bare errors", "bare p50", "bare p99", "p50 ÷ bare", "p99 ÷ bare"].map(
            (header) => ({ header, align: "right" as const }),
          ),
        ],
        rows,
      ),
    );
    context.log("errors: requests with no answer or an answer other than 200");
    context.log("target: 0 errors for flows dev; its latency is shown against the bare floor, not asserted");
  },
};
