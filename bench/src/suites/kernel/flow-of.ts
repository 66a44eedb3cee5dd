import { buildFlow, type NodeSpec } from "../../../../test/support/flow-builder";
import type { Shape } from "./shapes";

/**
 * The Flow IR document of a shape: start → n1 → … → n(size-1) for a chain, start → b0…b(size-1)
 * → join for a fan-out. Node `n${i}` of a chain is its (i+1)th node.
 */
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
