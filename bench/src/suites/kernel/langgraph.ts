import { type Candidate, gates } from "./candidates";
import type { Shape } from "./shapes";

type LangGraph = typeof import("@langchain/langgraph");
type Update = { value?: number; items?: number[] };
type GraphState = { value: number; items: number[] };
type Step = (state: GraphState) => Update | Promise<Update>;

/**
 * Loaded only in the process that runs this candidate, on first use: LangGraph's
 * AsyncLocalStorage slows every `await` of a process it is loaded in.
 */
let loaded: Promise<LangGraph> | undefined;
const langgraph = () => {
  loaded ??= import("@langchain/langgraph");
  return loaded;
};

/** The shape as a StateGraph, compiled once; `step` is every node's function but `special`'s. */
async function graphOf(shape: Shape, step: Step, special?: { index: number; step: Step }) {
  const { Annotation, END, START, StateGraph } = await langgraph();
  const State = Annotation.Root({
    value: Annotation<number>({ reducer: (_previous, next) => next, default: () => 0 }),
    // Where a fan-out's branches write: one list, the reducer appends.
    items: Annotation<number[]>({ reducer: (previous, next) => previous.concat(next), default: () => [] }),
  });
  // The builder's types track node names; built in a loop, they are checked by running it.
  const graph = new StateGraph(State) as unknown as {
    addNode(name: string, fn: Step): void;
    addEdge(from: string | string[], to: string): void;
    compile(): { invoke(input: Update, options: { recursionLimit: number }): Promise<GraphState> };
  };
  const names = shape.kind === "chain" ? Array.from({ length: shape.size }, (_, index) => `n${index}`) : [];
  if (shape.kind === "chain") {
    for (const [index, name] of names.entries()) graph.addNode(name, special?.index === index ? special.step : step);
    graph.addEdge(START, names[0] as string);
    for (let index = 1; index < names.length; index += 1)
      graph.addEdge(names[index - 1] as string, names[index] as string);
    graph.addEdge(names[names.length - 1] as string, END);
  } else {
    const branches = Array.from({ length: shape.size }, (_, index) => `b${index}`);
    graph.addNode("start", step);
    for (const branch of branches) graph.addNode(branch, () => ({ items: [1] }));
    graph.addNode("join", step);
    graph.addEdge(START, "start");
    for (const branch of branches) graph.addEdge("start", branch);
    graph.addEdge(branches, "join");
    graph.addEdge("join", END);
  }
  return graph.compile();
}

const identity: Step = (state) => ({ value: state.value });

/** LangGraph.js: the shape as a StateGraph of trivial nodes, no checkpointer. */
export const langgraphCandidate: Candidate = {
  async prepare(shape) {
    const compiled = await graphOf(shape, identity);
    const recursionLimit = shape.nodes + 10;
    return {
      async run() {
        const state = await compiled.invoke({ value: 1 }, { recursionLimit });
        if (state.value !== 1) throw new Error(`${shape.name}: LangGraph answered ${JSON.stringify(state.value)}`);
      },
    };
  },
  async parked() {
    const gate = gates();
    const compiled = await graphOf({ name: "chain of 10", kind: "chain", nodes: 10, size: 10 }, identity, {
      index: 5,
      step: (state) => gate.park({ value: state.value }),
    });
    const pending: Promise<unknown>[] = [];
    return {
      async start(count) {
        for (let index = 0; index < count; index += 1)
          pending.push(compiled.invoke({ value: 1 }, { recursionLimit: 20 }));
        await gate.parkedAt(count);
      },
      async release() {
        gate.openAll();
        await Promise.all(pending.splice(0));
      },
    };
  },
};
