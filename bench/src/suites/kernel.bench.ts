import { formatCount } from "../format";
import type { Suite, SuiteContext } from "../suite";
import { buildCandidates } from "./kernel/build";
import { type Peer, startPeer } from "./kernel/peer";
import { CANDIDATES, type CandidateName } from "./kernel/protocol";
import { heapTable, timingRow, timingTable } from "./kernel/report";
import { ROUNDS, runsPerBatch, timeShape, WARMUP_BATCHES, weighParked } from "./kernel/rounds";
import { PARKED_AT, PARKED_SHAPE, SHAPES } from "./kernel/shapes";

const PARKED_RUNS = 1_000;
const HEAP_REPEATS = 3;

/**
 * Our kernel's cost per node against a bare `await` loop and LangGraph.js, each candidate in a
 * process of its own (LangGraph's AsyncLocalStorage slows every `await` of a process it is
 * loaded in), in rounds whose order rotates; figures are per-round differences and ratios.
 */
export const kernelSuite: Suite = {
  name: "kernel",
  summary: "µs per node over a bare await loop, LangGraph.js ÷ ours, heap per run in flight (each in its own process)",
  async run(context: SuiteContext) {
    const scripts = await buildCandidates(context.repoRoot);
    const peers: Partial<Record<CandidateName, Peer>> = {};
    try {
      for (const candidate of CANDIDATES) peers[candidate] = await startPeer(candidate, scripts[candidate]);
      const started = peers as Record<CandidateName, Peer>;
      const batches = SHAPES.map(
        (shape) =>
          `${shape.name}: ${CANDIDATES.map((candidate) => formatCount(runsPerBatch(candidate, shape))).join("/")}`,
      );
      context.log(
        `  ${ROUNDS} rounds per shape after ${WARMUP_BATCHES} warm-up batches, each round one batch of every candidate, the first rotating;`,
      );
      context.log(`  runs per batch (floor/ours/LangGraph): ${batches.join(", ")}`);
      context.log("  figures: medians of the rounds; ours − floor and LangGraph ÷ ours taken within each round");
      const rows: string[][] = [];
      for (const shape of SHAPES) rows.push(timingRow(shape, await timeShape(started, shape)));
      context.log(timingTable(rows));

      const weighed: Record<CandidateName, number[]> = { floor: [], ours: [], langgraph: [] };
      for (const candidate of CANDIDATES) {
        weighed[candidate] = await weighParked(started[candidate], PARKED_RUNS, HEAP_REPEATS);
      }
      context.log(
        `\n  heap held per run in flight: ${formatCount(PARKED_RUNS)} runs of a ${PARKED_SHAPE.name} parked at node ${PARKED_AT + 1}, ` +
          `weighed after full collections (median of ${HEAP_REPEATS}, range)`,
      );
      context.log(heapTable(weighed));
    } finally {
      await Promise.all(Object.values(peers).map((peer) => peer.close()));
    }
  },
};
