import type { NodeRegistry } from "@flows/kernel";

/**
 * A flow of `steps` trivial durable nodes after its trigger, each adding 1: invoked with 0 it
 * answers `steps`, which is how the bench tells a real run from a short-circuited one.
 * Kept free of Workers types: the Node-side test config includes every file under bench/.
 */
export function chainFlow(steps: number): object {
  const id = `chain${steps}`;
  const nodes: object[] = [];
  const edges: object[] = [];
  for (let index = 0; index <= steps; index += 1) {
    nodes.push({
      id: `${id}::n${index}`,
      alias: `n${index}`,
      identifier: index === 0 ? "chain::start" : "chain::step",
      name: `n${index}`,
      kind: index === 0 ? "trigger" : "inline",
      in_schema: { kind: "opaque" },
      out_schema: { kind: "opaque" },
      effects: "pure",
      determinism: "strict",
    });
    if (index > 0) {
      edges.push({
        from: `n${index - 1}`,
        to: `n${index}`,
        delivery: "at_least_once",
        ordering: "ordered",
        buffer: {},
      });
    }
  }
  return { id, name: id, version: "1.0.0", profile: "web", nodes, edges };
}

/** The implementations every chain flow uses. */
export const chainNodes: NodeRegistry = {
  "chain::start": (input) => input,
  "chain::step": (input) => (input as number) + 1,
};
