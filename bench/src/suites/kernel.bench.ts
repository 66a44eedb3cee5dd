import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { build } from "esbuild";
import { formatMicros } from "../format";
import { median } from "../harness";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";
import type { Reply, Request } from "./kernel/child";
import { SHAPES, type Shape } from "./kernel/shapes";

const CANDIDATES = ["floor", "ours", "langgraph"] as const;
type CandidateName = (typeof CANDIDATES)[number];

const ROUNDS = 15;
/** Issue 18's targets. */
const TARGET_OVER_FLOOR_US = 2;
const TARGET_LANGGRAPH_RATIO = 100;
const TARGET_HEAP_BYTES = 4 * 1024;
const PARKED_RUNS = 1_000;

/** Runs per timed batch: about 20,000 node executions for us and the floor, 1,000 for LangGraph. */
function runsPerBatch(candidate: CandidateName, shape: Shape): number {
  const nodes = candidate === "langgraph" ? 1_000 : 20_000;
  return Math.max(1, Math.round(nodes / shape.nodes));
}

interface Peer {
  readonly child: ChildProcess;
  ask(request: Request): Promise<Reply>;
}

async function startPeer(script: string, candidate: CandidateName): Promise<Peer> {
  const child = fork(script, [candidate], {
    execArgv: ["--expose-gc", "--no-warnings"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let waiting: ((reply: Reply) => void) | undefined;
  child.on("message", (message: Reply | { ready: true }) => {
    if ("ready" in message) return;
    const settle = waiting;
    waiting = undefined;
    settle?.(message);
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("error", reject);
  });
  return {
    child,
    ask: (request) =>
      new Promise<Reply>((resolve, reject) => {
        waiting = (reply) => ("error" in reply ? reject(new Error(`${candidate}: ${reply.error}`)) : resolve(reply));
        child.send(request);
      }),
  };
}

const quartiles = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `${formatMicros(at(0.25))}–${formatMicros(at(0.75))}`;
};

const timeBatch = async (peer: Peer, candidate: CandidateName, shape: Shape) => {
  const reply = await peer.ask({ type: "time", shape: shape.name, runs: runsPerBatch(candidate, shape) });
  if (!("us_per_node" in reply)) throw new Error(`${candidate} answered ${JSON.stringify(reply)}`);
  return reply.us_per_node;
};

/**
 * Our kernel's cost per node against a bare `await` loop and LangGraph.js, each in a process of
 * its own, in rounds whose order rotates; figures are per-round differences and ratios.
 */
export const kernelSuite: Suite = {
  name: "kernel",
  summary: "µs per node over a bare await loop, LangGraph.js ÷ ours, heap per run in flight (each in its own process)",
  async run(context: SuiteContext) {
    const script = join(context.repoRoot, "bench/.out/kernel-child.mjs");
    await build({
      entryPoints: [join(context.repoRoot, "bench/src/suites/kernel/child.ts")],
      outfile: script,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning",
      // Loaded from node_modules, and only by the LangGraph process.
      external: ["@langchain/*"],
      conditions: ["@flows/source"],
    });
    const peers = {} as Record<CandidateName, Peer>;
    try {
      for (const candidate of CANDIDATES) peers[candidate] = await startPeer(script, candidate);
      const rows: string[][] = [];
      for (const shape of SHAPES) {
        const samples = { floor: [] as number[], ours: [] as number[], langgraph: [] as number[] };
        for (const candidate of CANDIDATES) {
          await timeBatch(peers[candidate], candidate, shape);
          await timeBatch(peers[candidate], candidate, shape);
        }
        for (let round = 0; round < ROUNDS; round += 1) {
          for (let turn = 0; turn < CANDIDATES.length; turn += 1) {
            const candidate = CANDIDATES[(round + turn) % CANDIDATES.length] as CandidateName;
            samples[candidate].push(await timeBatch(peers[candidate], candidate, shape));
          }
        }
        const over = samples.ours.map((ours, round) => ours - (samples.floor[round] ?? Number.NaN));
        const ratio = samples.langgraph.map((langgraph, round) => langgraph / (samples.ours[round] ?? Number.NaN));
        const targeted = shape.name === "chain of 100" || shape.name === "fan-out of 100";
        rows.push([
          shape.name,
          formatMicros(median(samples.floor)),
          formatMicros(median(samples.ours)),
          `${formatMicros(median(over))} [${quartiles(over)}]`,
          targeted ? (median(over) <= TARGET_OVER_FLOOR_US ? "pass" : "MISS") : "",
          formatMicros(median(samples.langgraph)),
          `${median(ratio).toFixed(0)}× [${quartiles(ratio).replace(/\.\d+/g, "")}×]`,
          median(ratio) >= TARGET_LANGGRAPH_RATIO ? "pass" : "MISS",
        ]);
      }
      context.log(
        `  ${ROUNDS} rounds per shape, the candidates' order rotating; medians [quartiles] of per-round figures`,
      );
      context.log(
        formatTable(
          [
            { header: "flow (trivial nodes)", align: "left" },
            { header: "floor µs/node" },
            { header: "ours µs/node" },
            { header: "ours − floor µs/node" },
            { header: `≤ ${TARGET_OVER_FLOOR_US} µs`, align: "left" },
            { header: "LangGraph µs/node" },
            { header: "LangGraph ÷ ours" },
            { header: `≥ ${TARGET_LANGGRAPH_RATIO}×`, align: "left" },
          ],
          rows,
        )
          .split("\n")
          .map((line) => `  ${line}`)
          .join("\n"),
      );
      const heap: string[][] = [];
      for (const candidate of CANDIDATES) {
        const bytes: number[] = [];
        for (let repeat = 0; repeat < 3; repeat += 1) {
          const reply = await peers[candidate].ask({ type: "heap", count: PARKED_RUNS });
          if (!("bytes_per_run" in reply)) throw new Error(`${candidate} answered ${JSON.stringify(reply)}`);
          bytes.push(reply.bytes_per_run);
        }
        const kib = median(bytes) / 1024;
        heap.push([
          candidate,
          `${kib.toFixed(2)} [${(Math.min(...bytes) / 1024).toFixed(2)}–${(Math.max(...bytes) / 1024).toFixed(2)}]`,
          candidate === "ours" ? (median(bytes) <= TARGET_HEAP_BYTES ? "pass" : "MISS") : "",
        ]);
      }
      context.log(
        `\n  heap held per run in flight: ${PARKED_RUNS.toLocaleString("en-US")} runs of a 10-node chain parked at node 6 (median of 3 [range])`,
      );
      context.log(
        formatTable(
          [
            { header: "candidate", align: "left" },
            { header: "KiB per run" },
            { header: `ours ≤ ${TARGET_HEAP_BYTES / 1024} KiB`, align: "left" },
          ],
          heap,
        )
          .split("\n")
          .map((line) => `  ${line}`)
          .join("\n"),
      );
    } finally {
      for (const peer of Object.values(peers)) peer.child.kill();
    }
  },
};
