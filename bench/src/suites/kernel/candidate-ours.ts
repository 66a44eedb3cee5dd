import { createKernel, createMemoryJournal, type NodeImplementation, systemClock } from "@flows/kernel";
import type { Candidate } from "./candidate";
import { flowOf } from "./flow-of";
import { createGate, parkWith } from "./gate";
import { serve } from "./serve";
import { PARKED_AT, PARKED_SHAPE, type Shape } from "./shapes";

// Our kernel's process: the shape as a flow, every node `(x) => x`, the memory journal (which
// keeps a run until it finishes, as a host keeps runs in flight).

const identity: NodeImplementation = (input) => input;

function kernelFor(shape: Shape, implementation: (alias: string) => NodeImplementation) {
  const flow = flowOf(shape);
  const nodes: Record<string, NodeImplementation> = {};
  for (const node of flow.nodes) nodes[node.identifier] = implementation(node.alias);
  let id = 0;
  const kernel = createKernel({
    flows: [flow],
    nodes,
    host: { journal: createMemoryJournal(), clock: systemClock, newId: () => `r${id++}`, logger: () => {} },
  });
  return { kernel, flow: flow.id };
}

/** A chain hands 1 from node to node; a fan-out's join gets one value per branch. */
function checkOutput(shape: Shape, output: unknown): void {
  const delivered = shape.kind === "chain" ? output === 1 : Object.keys(output ?? {}).length === shape.size;
  if (!delivered) throw new Error(`${shape.name}: ours answered ${JSON.stringify(output)}`);
}

const oursCandidate: Candidate = {
  async prepare(shape) {
    const { kernel, flow } = kernelFor(shape, () => identity);
    return {
      async run() {
        const outcome = await kernel.invoke({ flow, payload: 1 });
        if (outcome.status !== "completed") throw new Error(`${shape.name}: ${JSON.stringify(outcome)}`);
        checkOutput(shape, outcome.output);
      },
    };
  },
  async parked() {
    const gate = createGate();
    const parkedAlias = `n${PARKED_AT}`;
    const { kernel, flow } = kernelFor(PARKED_SHAPE, (alias) =>
      alias === parkedAlias ? (input) => gate.park(input) : identity,
    );
    return parkWith(gate, () => kernel.invoke({ flow, payload: 1 }));
  },
};

serve(oursCandidate);
