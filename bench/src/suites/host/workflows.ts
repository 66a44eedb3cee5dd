import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { bundleWorkerModule, workerdModuleOptions } from "../../../../cli/src/workers/bundle-worker";

const TOKEN = "bench-token";

/** Per-step time of a 100-step durable chain: our run Durable Object vs a Cloudflare Workflow. */
export async function measureChains(
  repoRoot: string,
  rounds: number,
): Promise<{ ours: number[]; workflows: number[]; steps: number }> {
  const outdir = mkdtempSync(join(tmpdir(), "flows-bench-chain-"));
  const scriptPath = join(outdir, "chain.mjs");
  await bundleWorkerModule(join(repoRoot, "bench/src/suites/host/chain-worker.ts"), scriptPath);
  const mf = new Miniflare({
    ...workerdModuleOptions(scriptPath),
    workflows: { CHAIN: { name: "chain", className: "ChainWorkflow" } },
    bindings: { FLOWS_API_TOKEN: TOKEN, FLOWS_RESUME_SECRET: TOKEN },
    // Our per-node log lines are still written (their cost counts); they are just not printed.
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume();
      stderr.resume();
    },
  });
  await mf.ready;
  const steps = 100;
  const ours: number[] = [];
  const workflows: number[] = [];
  const timeOurs = async () => {
    const started = performance.now();
    const response = await mf.dispatchFetch("http://bench.test/flows/chain/invoke", {
      method: "POST",
      body: "0",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = (await response.json()) as { output?: number };
    if (body.output !== steps) throw new Error(`the flow chain answered ${JSON.stringify(body)}`);
    return (performance.now() - started) / steps;
  };
  const timeWorkflow = async () => {
    const started = performance.now();
    const response = await mf.dispatchFetch("http://bench.test/workflow");
    const body = (await response.json()) as { output?: number };
    if (body.output !== steps) throw new Error(`the workflow answered ${JSON.stringify(body)}`);
    return (performance.now() - started) / steps;
  };
  try {
    // One of each to warm up, then interleaved rounds.
    await timeOurs();
    await timeWorkflow();
    for (let round = 0; round < rounds; round += 1) {
      ours.push(await timeOurs());
      workflows.push(await timeWorkflow());
    }
  } finally {
    await mf.dispose();
  }
  return { ours, workflows, steps };
}
