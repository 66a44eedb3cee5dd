import { performance } from "node:perf_hooks";

export interface MeasureOptions {
  /** Untimed runs first, so the JIT has compiled the hot paths before any sample counts. */
  readonly warmup?: number;
  readonly minSamples?: number;
  readonly maxSamples?: number;
  /** Stop taking samples once this much time was spent (after `minSamples`). */
  readonly budgetMs?: number;
}

export interface Measurement {
  /** Milliseconds per run, in the order taken. */
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

// Results land here so the engine cannot prove a measured call useless and drop it.
let sink: unknown;
export function blackhole(): unknown {
  return sink;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage when the process runs with --expose-gc (bench/run.mjs starts it so). */
export function collectGarbage(): void {
  gc?.();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function summarize(samples: readonly number[]): Measurement {
  return { samples, median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

export interface Candidate {
  readonly name: string;
  readonly run: () => unknown;
}

/**
 * Times several candidates in interleaved rounds with performance.now(): each round runs every
 * candidate once, starting with a different one each time, so a load spike or a thermal step
 * on a shared machine lands on all of them alike and their ratio stays honest. The median is
 * the figure to quote: it shrugs off the odd sample a major GC or a scheduler hiccup inflates.
 *
 * Garbage is collected once before the rounds, not before every sample: a forced full GC
 * leaves the next run to refill a cold heap, which distorts millisecond-sized samples, while
 * the collections a run provokes itself are part of its real cost.
 */
export function compare(candidates: readonly Candidate[], options: MeasureOptions = {}): Map<string, Measurement> {
  const { warmup = 3, minSamples = 5, maxSamples = 50, budgetMs = 2_000 } = options;
  for (const { run } of candidates) {
    for (let index = 0; index < warmup; index += 1) sink = run();
  }
  collectGarbage();
  const samples = candidates.map((): number[] => []);
  let spent = 0;
  for (let round = 0; round < maxSamples && (round < minSamples || spent < budgetMs); round += 1) {
    for (let offset = 0; offset < candidates.length; offset += 1) {
      const index = (round + offset) % candidates.length;
      const run = candidates[index]?.run;
      if (run === undefined) continue;
      const start = performance.now();
      sink = run();
      const elapsed = performance.now() - start;
      samples[index]?.push(elapsed);
      spent += elapsed;
    }
  }
  return new Map(candidates.map(({ name }, index) => [name, summarize(samples[index] ?? [])]));
}

/**
 * How many times slower `a` is than `b`, from samples `compare` took in the same rounds: the
 * median of the per-round ratios, which cancels load that hits both in one round.
 */
export function pairedRatio(a: Measurement, b: Measurement): number {
  const rounds = Math.min(a.samples.length, b.samples.length);
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round += 1) ratios.push((a.samples[round] ?? 0) / (b.samples[round] ?? 1));
  return median(ratios);
}

/** Times one function alone; see `compare` for how. */
export function measure(run: () => unknown, options: MeasureOptions = {}): Measurement {
  const measured = compare([{ name: "run", run }], options).get("run");
  if (measured === undefined) throw new Error("measure: no samples taken");
  return measured;
}

/**
 * Heap bytes still reachable through what `make` returns, measured between two full GCs; the
 * median of `tries`, since lazily built caches and compiled code can land in any one try.
 * Undefined without --expose-gc, where the figure would be noise.
 */
export function retainedHeap(make: () => unknown, tries = 3): number | undefined {
  if (gc === undefined) return undefined;
  const results: number[] = [];
  for (let attempt = 0; attempt < tries; attempt += 1) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = make();
    gc();
    results.push(Math.max(0, process.memoryUsage().heapUsed - before));
    // Read after the measurement, so `kept` is still reachable during the second GC.
    sink = kept;
  }
  sink = undefined;
  return median(results);
}
