import type { Miniflare, Response as MiniflareResponse } from "miniflare";
import { CHAIN_LENGTHS } from "./chain-lengths";
import { CHAIN_TOKEN, type ChainStorage, startChainWorker } from "./chain-miniflare";

/** The three ways a durable chain runs in the bench Worker. */
export type ChainRunner = "floor" | "ours" | "workflows";

/** Per round, the milliseconds of each request at each chain length. */
export interface ChainSamples {
  readonly storage: ChainStorage;
  readonly rounds: number;
  readonly ms: Record<ChainRunner, { readonly short: number[][]; readonly long: number[][] }>;
}

interface Candidate {
  readonly name: ChainRunner;
  /**
   * Short/long pairs per round. A Workflow run takes hundreds of milliseconds, ours and the
   * floor a few, where a request's own jitter weighs more: they take many more per round.
   */
  readonly pairs: number;
  /** One run of a chain of `steps`, answered and checked. */
  readonly run: (steps: number) => Promise<void>;
}

const answer = async (response: MiniflareResponse, who: string) => {
  const text = await response.text();
  if (!response.ok) throw new Error(`${who} answered ${response.status}: ${text}`);
  return JSON.parse(text) as { output?: unknown; rowsWritten?: unknown };
};

function candidates(mf: Miniflare, pairs: number): Candidate[] {
  return [
    {
      name: "floor",
      pairs,
      async run(steps) {
        const body = await answer(await mf.dispatchFetch(`http://bench.test/floor?steps=${steps}`), "the floor");
        // Proof that every step wrote its row (workerd counts the primary-key index too: 2 a row).
        if (body.output !== steps || typeof body.rowsWritten !== "number" || body.rowsWritten < steps)
          throw new Error(`the floor of ${steps} steps answered ${JSON.stringify(body)}`);
      },
    },
    {
      name: "ours",
      pairs,
      async run(steps) {
        const response = await mf.dispatchFetch(`http://bench.test/flows/chain${steps}/invoke`, {
          method: "POST",
          body: "0",
          headers: { authorization: `Bearer ${CHAIN_TOKEN}` },
        });
        const body = await answer(response, "the flow chain");
        if (body.output !== steps) throw new Error(`the flow chain of ${steps} answered ${JSON.stringify(body)}`);
      },
    },
    {
      name: "workflows",
      pairs: 2,
      async run(steps) {
        const body = await answer(await mf.dispatchFetch(`http://bench.test/workflow?steps=${steps}`), "the workflow");
        if (body.output !== steps) throw new Error(`the workflow of ${steps} answered ${JSON.stringify(body)}`);
      },
    },
  ];
}

/**
 * Times whole requests from Node (`dispatchFetch` until the body is read): inside workerd the
 * clock stands still while JavaScript runs and moves only at I/O, so it cannot time a run that
 * does synchronous SQLite writes. Each round times every runner, the first one rotating from
 * round to round; each runner's turn alternates short and long runs, so the two lengths the
 * slope is taken between see the same moment of the machine.
 */
export async function sampleChains(
  repoRoot: string,
  options: { readonly rounds: number; readonly pairs: number },
): Promise<ChainSamples> {
  const worker = await startChainWorker(repoRoot);
  const [short, long] = CHAIN_LENGTHS;
  const ms: ChainSamples["ms"] = {
    floor: { short: [], long: [] },
    ours: { short: [], long: [] },
    workflows: { short: [], long: [] },
  };
  const timed = async (candidate: Candidate, steps: number) => {
    const started = performance.now();
    await candidate.run(steps);
    return performance.now() - started;
  };
  try {
    const all = candidates(worker.mf, options.pairs);
    // Untimed first: workerd compiles the Worker's code and SQLite warms up on first use.
    for (const candidate of all) {
      for (let pair = 0; pair < Math.max(2, candidate.pairs / 2); pair += 1) {
        await candidate.run(short);
        await candidate.run(long);
      }
    }
    for (let round = 0; round < options.rounds; round += 1) {
      for (let offset = 0; offset < all.length; offset += 1) {
        const candidate = all[(round + offset) % all.length];
        if (candidate === undefined) continue;
        const shortMs: number[] = [];
        const longMs: number[] = [];
        for (let pair = 0; pair < candidate.pairs; pair += 1) {
          if ((round + pair) % 2 === 0) {
            shortMs.push(await timed(candidate, short));
            longMs.push(await timed(candidate, long));
          } else {
            longMs.push(await timed(candidate, long));
            shortMs.push(await timed(candidate, short));
          }
        }
        ms[candidate.name].short.push(shortMs);
        ms[candidate.name].long.push(longMs);
      }
    }
  } finally {
    await worker.dispose();
  }
  return { storage: worker.storage, rounds: options.rounds, ms };
}
