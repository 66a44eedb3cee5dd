import { performance } from "node:perf_hooks";
import { median } from "../../harness";

/** One way of doing an operation; `run` does it `count` times in a row and says how long that took. */
export interface TimedCandidate {
  readonly name: string;
  readonly run: (count: number) => Promise<number>;
}

export interface Rate {
  /** Operations per second: the median over rounds. */
  readonly opsPerSecond: number;
  readonly samples: number;
}

export interface RateOptions {
  /**
   * Operations per sample, or a time per sample to aim for: the batch is then sized from a
   * probe of the slowest candidate (clocks that tick in whole milliseconds, like workerd's,
   * need samples far longer than one call).
   */
  readonly batch: number | { readonly targetMs: number; readonly min: number; readonly max: number };
  readonly rounds: number;
  readonly warmupBatches?: number;
}

/** Times `count` awaited calls of `op`, one after another, in this process. */
export function sequential(op: () => Promise<unknown>): (count: number) => Promise<number> {
  return async (count) => {
    const start = performance.now();
    for (let index = 0; index < count; index += 1) await op();
    return performance.now() - start;
  };
}

/**
 * Async operations per second for several candidates, measured in interleaved rounds (each
 * round runs every candidate once, starting with a different one), so drift on a shared
 * machine lands on all of them alike and their ratio stays honest.
 */
export async function compareRates(
  candidates: readonly TimedCandidate[],
  options: RateOptions,
): Promise<Map<string, Rate>> {
  const batch = await batchSize(candidates, options.batch);
  for (const candidate of candidates) {
    for (let index = 0; index < (options.warmupBatches ?? 2); index += 1) await candidate.run(batch);
  }
  const samples = candidates.map((): number[] => []);
  for (let round = 0; round < options.rounds; round += 1) {
    for (let offset = 0; offset < candidates.length; offset += 1) {
      const index = (round + offset) % candidates.length;
      const candidate = candidates[index];
      if (candidate === undefined) continue;
      const elapsed = await candidate.run(batch);
      samples[index]?.push((batch * 1000) / elapsed);
    }
  }
  return new Map(
    candidates.map(({ name }, index) => [
      name,
      { opsPerSecond: median(samples[index] ?? []), samples: samples[index]?.length ?? 0 },
    ]),
  );
}

async function batchSize(candidates: readonly TimedCandidate[], batch: RateOptions["batch"]): Promise<number> {
  if (typeof batch === "number") return batch;
  const probe = Math.max(1, Math.min(batch.min, 20));
  let slowest = 0;
  for (const candidate of candidates) slowest = Math.max(slowest, (await candidate.run(probe)) / probe);
  const sized = slowest > 0 ? Math.round(batch.targetMs / slowest) : batch.max;
  return Math.max(batch.min, Math.min(batch.max, sized));
}
