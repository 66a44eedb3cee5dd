/** The `fraction` quantile of `values`, interpolated between the two nearest (type 7, as R's default). */
export function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * fraction;
  const below = sorted[Math.floor(position)] ?? Number.NaN;
  const above = sorted[Math.ceil(position)] ?? below;
  return below + (above - below) * (position - Math.floor(position));
}

/** Median and quartiles: the figure to quote and how far the rounds spread around it. */
export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return { median: quantile(values, 0.5), q1: quantile(values, 0.25), q3: quantile(values, 0.75) };
}
