/** A flow of trivial nodes, the same for every candidate. */
export interface Shape {
  readonly name: string;
  readonly kind: "chain" | "fan-out";
  /** Nodes executed per run, including the first (and the join of a fan-out). */
  readonly nodes: number;
  /** The length of a chain, the width of a fan-out. */
  readonly size: number;
}

export const SHAPES: readonly Shape[] = [
  { name: "chain of 10", kind: "chain", nodes: 10, size: 10 },
  { name: "chain of 100", kind: "chain", nodes: 100, size: 100 },
  { name: "chain of 1,000", kind: "chain", nodes: 1_000, size: 1_000 },
  { name: "fan-out of 100", kind: "fan-out", nodes: 102, size: 100 },
];

/** The shape the heap measurement parks, at its sixth node (index 5). */
export const PARKED_SHAPE: Shape = { name: "chain of 10", kind: "chain", nodes: 10, size: 10 };
export const PARKED_AT = 5;

export function shapeNamed(name: string): Shape {
  const shape = SHAPES.find((known) => known.name === name);
  if (shape === undefined) throw new Error(`no shape ${name}`);
  return shape;
}
