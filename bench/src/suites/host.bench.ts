import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { bundleWorkerModule, workerdModuleOptions } from "../../../cli/src/workers/bundle-worker";
import { formatMs } from "../format";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";
import { reportChains } from "./host/chain-report";
import { sampleChains } from "./host/durable-chain";
import { measureSleepingRuns } from "./host/sleeping-runs";

const ROUNDS = 5;
/** Rounds of the durable chains, and short/long pairs per round of ours and the floor (about 1.5 s a round). */
const CHAIN_ROUNDS = 31;
const CHAIN_PAIRS = 24;

const bundle = (entryPoint: string, outdir: string, name: string) =>
  bundleWorkerModule(entryPoint, join(outdir, `${name}.mjs`), { minify: true });

function options(scriptPath: string): ConstructorParameters<typeof Miniflare>[0] {
  return {
    ...workerdModuleOptions(scriptPath),
    kvNamespaces: ["SHIPMENTS"],
    bindings: { FLOWS_API_TOKEN: "bench", FLOWS_RESUME_SECRET: "bench" },
  };
}

/** Time to a ready workerd and to the first answered request, in one fresh instance. */
async function startOnce(scriptPath: string): Promise<{ readyMs: number; firstMs: number }> {
  const started = performance.now();
  const mf = new Miniflare(options(scriptPath));
  await mf.ready;
  const ready = performance.now();
  const response = await mf.dispatchFetch("http://bench.test/health");
  await response.text();
  const first = performance.now();
  await mf.dispose();
  return { readyMs: ready - started, firstMs: first - ready };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * The example Worker's bundle and start-up, against a minimal Worker measured in the same run;
 * then a durable chain's cost per step and per run, against a bare SQLite Durable Object and
 * Cloudflare Workflows (./host/durable-chain.ts).
 */
export const hostSuite: Suite = {
  name: "host",
  summary:
    "example Worker bundle size and workerd start-up vs a minimal Worker; durable chain per step and per run; a sleeping run at rest and waking",
  async run(context: SuiteContext) {
    const outdir = mkdtempSync(join(tmpdir(), "flows-bench-host-"));
    const minimalEntry = join(outdir, "minimal.ts");
    // The baseline: a Worker that answers /health and exports an empty Durable Object class.
    writeFileSync(
      minimalEntry,
      'import { DurableObject } from "cloudflare:workers";\nexport class FlowRunObject extends DurableObject {}\nexport default { fetch: () => Response.json({ ok: true }) };\n',
    );
    const example = await bundle(join(context.repoRoot, "examples/order-approval/worker.ts"), outdir, "example");
    const minimal = await bundle(minimalEntry, outdir, "minimal");
    const size = (path: string) => {
      const bytes = readFileSync(path);
      return { raw: bytes.length, gzip: gzipSync(bytes).length };
    };
    const exampleSize = size(example);
    const minimalSize = size(minimal);
    context.log("== host: the order-approval example Worker (examples/order-approval/worker.ts)");
    context.log(
      `  bundle, minified: ${(exampleSize.raw / 1024).toFixed(1)} KiB, gzipped: ${(exampleSize.gzip / 1024).toFixed(1)} KiB` +
        ` (flow, nodes, kernel, validator, caps, routes; the minimal Worker: ${minimalSize.raw} B / ${minimalSize.gzip} B)`,
    );
    const samples = {
      example: [] as { readyMs: number; firstMs: number }[],
      minimal: [] as { readyMs: number; firstMs: number }[],
    };
    // Interleaved, so load on the machine touches both alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      samples.minimal.push(await startOnce(minimal));
      samples.example.push(await startOnce(example));
    }
    const row = (name: string, list: { readyMs: number; firstMs: number }[]) => [
      name,
      formatMs(median(list.map((sample) => sample.readyMs))),
      formatMs(median(list.map((sample) => sample.firstMs))),
    ];
    context.log(
      formatTable(
        [{ header: "Worker", align: "left" }, { header: "workerd ready ms" }, { header: "first request ms" }],
        [row("minimal", samples.minimal), row("example", samples.example)],
      )
        .split("\n")
        .map((line) => `  ${line}`)
        .join("\n"),
    );
    // workerd compiles and evaluates the module while it starts, so the cost shows in "ready".
    const extra = median(samples.example.map((s) => s.readyMs)) - median(samples.minimal.map((s) => s.readyMs));
    context.log(
      `  start-up cost of the example over the minimal Worker: ${formatMs(extra)} ms (workerd ready, median of ${ROUNDS} interleaved rounds)`,
    );
    reportChains(context, await sampleChains(context.repoRoot, { rounds: CHAIN_ROUNDS, pairs: CHAIN_PAIRS }));
    for (const line of await measureSleepingRuns(context.repoRoot)) context.log(line);
  },
};
