import { median } from "../../harness";

/** A figure over rounds: its median and quartiles (nearest rank). */
export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(fraction * (sorted.length - 1))))] ?? Number.NaN;
  return { median: median(values), q1: at(0.25), q3: at(0.75) };
}

/** A runner's cost split, one value per round. */
export interface Split {
  /** The round's typical request at each length, ms. */
  readonly shortMs: number[];
  readonly longMs: number[];
  /** Slope between the two lengths, ms per step: what each further step adds. */
  readonly perStepMs: number[];
  /** The line's value at zero steps, ms per run: what a run pays once. */
  readonly fixedMs: number[];
}

/**
 * Splits each round's requests (`short[round]` at `shortSteps`, `long[round]` at `longSteps`)
 * into a marginal cost per step and a fixed cost per run, through the line between the round's
 * median request at each length (with two lengths, the least-squares line). The median, not the
 * mean: a request stalled by another process on a shared machine would otherwise move the
 * whole round.
 */
export function splitCost(
  short: readonly (readonly number[])[],
  long: readonly (readonly number[])[],
  shortSteps: number,
  longSteps: number,
): Split {
  const split: Split = { shortMs: [], longMs: [], perStepMs: [], fixedMs: [] };
  for (let round = 0; round < Math.min(short.length, long.length); round += 1) {
    const a = median(short[round] ?? []);
    const b = median(long[round] ?? []);
    const slope = (b - a) / (longSteps - shortSteps);
    split.shortMs.push(a);
    split.longMs.push(b);
    split.perStepMs.push(slope);
    split.fixedMs.push(a - shortSteps * slope);
  }
  return split;
}

/** `f(a[i], b[i])` for each round both have: differences and ratios paired within a round. */
export function paired(a: readonly number[], b: readonly number[], f: (x: number, y: number) => number): number[] {
  const out: number[] = [];
  for (let round = 0; round < Math.min(a.length, b.length); round += 1) {
    out.push(f(a[round] ?? Number.NaN, b[round] ?? Number.NaN));
  }
  return out;
}
