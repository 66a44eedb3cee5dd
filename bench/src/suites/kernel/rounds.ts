import type { Peer } from "./peer";
import { CANDIDATES, type CandidateName } from "./protocol";
import type { Shape } from "./shapes";

/** Timed rounds per shape, after `WARMUP_BATCHES` untimed batches of every candidate. */
export const ROUNDS = 21;
export const WARMUP_BATCHES = 2;

/**
 * Node executions per batch: a batch of the floor or ours lasts some milliseconds, long next
 * to the timer's resolution and short enough that all three of a round see the same machine.
 * LangGraph runs about a thousand times slower per node, so fewer; a chain of 1,000 still
 * takes one whole run. Figures are per node, so the sizes need not match.
 */
const NODES_PER_BATCH: Record<CandidateName, number> = { floor: 20_000, ours: 20_000, langgraph: 400 };

export function runsPerBatch(candidate: CandidateName, shape: Shape): number {
  return Math.max(1, Math.round(NODES_PER_BATCH[candidate] / shape.nodes));
}

async function timeBatch(peer: Peer, shape: Shape): Promise<number> {
  const reply = await peer.ask({ type: "time", shape: shape.name, runs: runsPerBatch(peer.name, shape) });
  if (reply.type !== "time") throw new Error(`${peer.name} answered ${JSON.stringify(reply)}`);
  return reply.usPerNode;
}

/**
 * µs per node of each candidate, one figure per round: each round times one batch of every
 * candidate, round r starting with candidate r mod 3, so drift on a shared machine lands on all
 * of them alike and a figure can be compared with the others of its round.
 */
export async function timeShape(peers: Record<CandidateName, Peer>, shape: Shape) {
  for (const candidate of CANDIDATES) {
    for (let batch = 0; batch < WARMUP_BATCHES; batch += 1) await timeBatch(peers[candidate], shape);
  }
  const samples: Record<CandidateName, number[]> = { floor: [], ours: [], langgraph: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let turn = 0; turn < CANDIDATES.length; turn += 1) {
      const candidate = CANDIDATES[(round + turn) % CANDIDATES.length] as CandidateName;
      samples[candidate].push(await timeBatch(peers[candidate], shape));
    }
  }
  return samples;
}

/** Heap per parked run, `repeats` times per candidate (each a fresh set of parked runs). */
export async function weighParked(peer: Peer, count: number, repeats: number): Promise<number[]> {
  const bytes: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const reply = await peer.ask({ type: "heap", count });
    if (reply.type !== "heap") throw new Error(`${peer.name} answered ${JSON.stringify(reply)}`);
    bytes.push(reply.bytesPerRun);
  }
  return bytes;
}
