import { createKernel, createMemoryJournal, type NodeRegistry, systemClock } from "@flows/kernel";
import { type Candidate, gates } from "./candidates";
import { flowOf } from "./shapes";

function kernelFor(flow: ReturnType<typeof flowOf>, nodes: NodeRegistry) {
  let id = 0;
  return createKernel({
    flows: [flow],
    nodes,
    // The memory journal keeps a run until it finishes, as a host keeps runs in flight.
    host: { journal: createMemoryJournal(), clock: systemClock, newId: () => `r${id++}`, logger: () => {} },
  });
}

/** Our kernel: the shape as a flow, each node an identity function, the memory journal. */
export const oursCandidate: Candidate = {
  async prepare(shape) {
    const flow = flowOf(shape);
    const nodes: Record<string, (input: unknown) => unknown> = {};
    for (const node of flow.nodes) nodes[node.identifier] = (input) => input;
    const kernel = kernelFor(flow, nodes);
    return {
      async run() {
        const outcome = await kernel.invoke({ flow: flow.id, payload: 1 });
        if (outcome.status !== "completed") throw new Error(`${shape.name}: ${JSON.stringify(outcome)}`);
      },
    };
  },
  async parked() {
    const flow = flowOf({ name: "chain of 10", kind: "chain", nodes: 10, size: 10 });
    const gate = gates();
    const nodes: Record<string, (input: unknown) => unknown> = {};
    for (const node of flow.nodes) {
      nodes[node.identifier] = node.alias === "n5" ? (input) => gate.park(input) : (input) => input;
    }
    const kernel = kernelFor(flow, nodes);
    const pending: Promise<unknown>[] = [];
    return {
      async start(count) {
        for (let index = 0; index < count; index += 1) pending.push(kernel.invoke({ flow: flow.id, payload: 1 }));
        await gate.parkedAt(count);
      },
      async release() {
        gate.openAll();
        await Promise.all(pending.splice(0));
      },
    };
  },
};
