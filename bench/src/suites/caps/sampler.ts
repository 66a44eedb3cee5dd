import { performance } from "node:perf_hooks";
import { type Measurement, median, pairedRatio } from "../../harness";

/** One way of doing an operation; `run` does it `count` times in a row and says how long that took (ms). */
export interface TimedCandidate {
  readonly name: string;
  readonly run: (count: number) => Promise<number>;
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
 * Async operations timed in interleaved rounds, the way the harness's `compare()` times
 * synchronous ones: each round runs every candidate once (one batch of calls), starting with a
 * different one each time, so drift on a shared machine lands on all of them alike. Samples
 * are milliseconds per operation, one per round, so `pairedRatio` can compare two candidates
 * round by round.
 */
export async function compareAsync(
  candidates: readonly TimedCandidate[],
  options: RateOptions,
): Promise<Map<string, Measurement>> {
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
      samples[index]?.push((await candidate.run(batch)) / batch);
    }
  }
  return new Map(
    candidates.map(({ name }, index) => {
      const taken = samples[index] ?? [];
      return [name, { samples: taken, median: median(taken), min: Math.min(...taken), max: Math.max(...taken) }];
    }),
  );
}

/** The `fraction` quantile of `values` (nearest rank). */
export function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(fraction * (sorted.length - 1))))] ?? Number.NaN;
}

/** An overhead from two measurements of the same rounds: the median and quartiles of `a / b − 1` per round. */
export interface Overhead {
  readonly median: number;
  readonly lower: number;
  readonly upper: number;
}

export function overheadOf(a: Measurement, b: Measurement): Overhead {
  const rounds = Math.min(a.samples.length, b.samples.length);
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round += 1) ratios.push((a.samples[round] ?? 0) / (b.samples[round] ?? 1) - 1);
  return { median: pairedRatio(a, b) - 1, lower: quantile(ratios, 0.25), upper: quantile(ratios, 0.75) };
}

async function batchSize(candidates: readonly TimedCandidate[], batch: RateOptions["batch"]): Promise<number> {
  if (typeof batch === "number") return batch;
  let slowest = 0;
  for (const candidate of candidates) {
    let probe = Math.max(1, Math.min(batch.min, 20));
    // Untimed first: the first calls pay start-ups (a Durable Object's, the JIT's).
    await candidate.run(probe);
    let elapsed = await candidate.run(probe);
    // A clock that ticks in whole milliseconds, and inside workerd only at some I/O, needs a
    // probe long enough to read.
    while (elapsed < batch.targetMs / 2 && probe < batch.max) {
      probe *= 4;
      elapsed = await candidate.run(probe);
    }
    slowest = Math.max(slowest, elapsed / probe);
  }
  const sized = slowest > 0 ? Math.round(batch.targetMs / slowest) : batch.max;
  return Math.max(batch.min, Math.min(batch.max, sized));
}
