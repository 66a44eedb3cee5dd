import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import type { Candidate } from "./candidate";
import { createGate, parkWith } from "./gate";
import { serve } from "./serve";
import { PARKED_AT, PARKED_SHAPE, type Shape } from "./shapes";

// LangGraph.js's process (it alone loads LangGraph, whose AsyncLocalStorage slows every `await`
// of its process): the shape as a StateGraph of trivial nodes, compiled once, no checkpointer.

const State = Annotation.Root({
  value: Annotation<number>({ reducer: (_previous, next) => next, default: () => 0 }),
  // Where a fan-out's branches write at once: legal because the reducer appends.
  items: Annotation<number[]>({ reducer: (previous, next) => previous.concat(next), default: () => [] }),
});
type GraphState = typeof State.State;
type Update = typeof State.Update;
type Step = (state: GraphState) => Update | Promise<Update>;

const identity: Step = (state) => ({ value: state.value });
const branch: Step = () => ({ items: [1] });

/** The shape as a compiled graph; the node at `parked.index` of a chain runs `parked.step`. */
function graphOf(shape: Shape, parked?: { readonly index: number; readonly step: Step }) {
  // Node names are built in a loop, so the builder's name tracking is widened to `string`.
  const graph = new StateGraph<typeof State.spec, GraphState, Update, string>(State);
  if (shape.kind === "chain") {
    let previous: string = START;
    for (let index = 0; index < shape.size; index += 1) {
      graph.addNode(`n${index}`, parked?.index === index ? parked.step : identity);
      graph.addEdge(previous, `n${index}`);
      previous = `n${index}`;
    }
    graph.addEdge(previous, END);
  } else {
    const branches = Array.from({ length: shape.size }, (_, index) => `b${index}`);
    graph.addNode("start", identity).addNode("join", identity);
    for (const name of branches) graph.addNode(name, branch);
    graph.addEdge(START, "start");
    for (const name of branches) graph.addEdge("start", name);
    // One edge from all branches: the join waits for every one of them.
    graph.addEdge(branches, "join");
    graph.addEdge("join", END);
  }
  return graph.compile();
}

function checkOutput(shape: Shape, state: GraphState): void {
  const items = shape.kind === "chain" ? 0 : shape.size;
  if (state.value !== 1 || state.items.length !== items)
    throw new Error(`${shape.name}: LangGraph answered ${JSON.stringify(state)}`);
}

/** LangGraph counts supersteps against the limit; a chain of 1,000 takes 1,000 of them. */
const recursionLimitOf = (shape: Shape) => shape.nodes + 10;

const langgraphCandidate: Candidate = {
  async prepare(shape) {
    const compiled = graphOf(shape);
    const options = { recursionLimit: recursionLimitOf(shape) };
    return {
      async run() {
        checkOutput(shape, await compiled.invoke({ value: 1 }, options));
      },
    };
  },
  async parked() {
    const gate = createGate();
    const compiled = graphOf(PARKED_SHAPE, { index: PARKED_AT, step: (state) => gate.park({ value: state.value }) });
    const options = { recursionLimit: recursionLimitOf(PARKED_SHAPE) };
    return parkWith(gate, () => compiled.invoke({ value: 1 }, options));
  },
};

serve(langgraphCandidate);
