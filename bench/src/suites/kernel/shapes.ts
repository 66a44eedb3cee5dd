import { buildFlow, type NodeSpec } from "../../../../test/support/flow-builder";

/** A flow of trivial nodes, the same for every candidate. */
export interface Shape {
  readonly name: string;
  readonly kind: "chain" | "fan-out";
  /** Nodes executed per run, including the trigger (and the join of a fan-out). */
  readonly nodes: number;
  /** The width of a fan-out, the length of a chain. */
  readonly size: number;
}

export const SHAPES: readonly Shape[] = [
  { name: "chain of 10", kind: "chain", nodes: 10, size: 10 },
  { name: "chain of 100", kind: "chain", nodes: 100, size: 100 },
  { name: "chain of 1,000", kind: "chain", nodes: 1_000, size: 1_000 },
  { name: "fan-out of 100", kind: "fan-out", nodes: 102, size: 100 },
];

/** The Flow IR document of a shape: start → n1 → … (chain), or start → b0…b(k-1) → join. */
export function flowOf(shape: Shape) {
  const nodes: Record<string, NodeSpec> = { start: {} };
  const edges: [string, string][] = [];
  if (shape.kind === "chain") {
    let previous = "start";
    for (let index = 1; index < shape.size; index += 1) {
      nodes[`n${index}`] = {};
      edges.push([previous, `n${index}`]);
      previous = `n${index}`;
    }
  } else {
    nodes.join = {};
    for (let index = 0; index < shape.size; index += 1) {
      nodes[`b${index}`] = {};
      edges.push(["start", `b${index}`], [`b${index}`, "join"]);
    }
  }
  return buildFlow(`${shape.kind}${shape.size}`, { nodes, edges });
}
