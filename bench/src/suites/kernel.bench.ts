import { createKernel, createMemoryJournal, type NodeRegistry, systemClock } from "@flows/kernel";
import { buildFlow, type NodeSpec } from "../../../test/support/flow-builder";
import { formatMicros } from "../format";
import { median } from "../harness";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";

const ROUNDS = 21;
const RUNS_PER_ROUND = 40;
/** Issue 18's target: our overhead per node over a bare `await` loop. */
const TARGET_US = 2;

interface Shape {
  readonly name: string;
  readonly nodes: number;
  readonly flow: ReturnType<typeof buildFlow>;
}

/** start → n1 → … → n(count-1): every node waits for the one before. */
function chain(count: number): Shape {
  const nodes: Record<string, NodeSpec> = { start: {} };
  const edges: [string, string][] = [];
  let previous = "start";
  for (let index = 1; index < count; index += 1) {
    nodes[`n${index}`] = {};
    edges.push([previous, `n${index}`]);
    previous = `n${index}`;
  }
  return { name: `chain of ${count}`, nodes: count, flow: buildFlow(`chain${count}`, { nodes, edges }) };
}

/** start → count parallel nodes → join. */
function fanOut(count: number): Shape {
  const nodes: Record<string, NodeSpec> = { start: {}, join: {} };
  const edges: [string, string][] = [];
  for (let index = 0; index < count; index += 1) {
    nodes[`b${index}`] = {};
    edges.push(["start", `b${index}`], [`b${index}`, "join"]);
  }
  return { name: `fan-out of ${count}`, nodes: count + 2, flow: buildFlow(`fan${count}`, { nodes, edges }) };
}

const quartiles = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { q1: at(0.25), q3: at(0.75) };
};

/**
 * The kernel's own cost per node: a flow of trivial nodes run through `createKernel` against the
 * floor, a hand-written loop of `await fn(x)` over as many functions, in interleaved rounds; the
 * figure is the median of the per-round differences, in µs per node.
 */
export const kernelSuite: Suite = {
  name: "kernel",
  summary: "µs per node over a bare await loop (chain and fan-out of trivial nodes, memory journal)",
  async run(context: SuiteContext) {
    const rows: string[][] = [];
    for (const shape of [chain(10), chain(100), chain(1_000), fanOut(100)]) {
      const nodes: Record<string, (input: unknown) => unknown> = {};
      for (const node of shape.flow.nodes) nodes[node.identifier] = (input) => input;
      let id = 0;
      const kernel = createKernel({
        flows: [shape.flow],
        nodes: nodes as NodeRegistry,
        host: { journal: createMemoryJournal(), clock: systemClock, newId: () => `r${id++}`, logger: () => {} },
      });
      const ours = async () => {
        const outcome = await kernel.invoke({ flow: shape.flow.id, payload: 1 });
        if (outcome.status !== "completed") throw new Error(`${shape.name}: ${JSON.stringify(outcome)}`);
      };
      const steps = Array.from({ length: shape.nodes }, () => async (value: unknown) => value);
      const floor = async () => {
        let value: unknown = 1;
        for (const step of steps) value = await step(value);
        return value;
      };
      const runs = shape.nodes >= 1_000 ? RUNS_PER_ROUND / 8 : RUNS_PER_ROUND;
      const timed = async (run: () => Promise<unknown>) => {
        const started = performance.now();
        for (let index = 0; index < runs; index += 1) await run();
        return ((performance.now() - started) * 1_000) / runs / shape.nodes;
      };
      await timed(ours);
      await timed(floor);
      const over: number[] = [];
      const floors: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const first = round % 2 === 0;
        const a = await timed(first ? ours : floor);
        const b = await timed(first ? floor : ours);
        const [oursUs, floorUs] = first ? [a, b] : [b, a];
        over.push(oursUs - floorUs);
        floors.push(floorUs);
      }
      const { q1, q3 } = quartiles(over);
      const overhead = median(over);
      rows.push([
        shape.name,
        formatMicros(median(floors)),
        formatMicros(overhead),
        `${formatMicros(q1)}–${formatMicros(q3)}`,
        overhead <= TARGET_US ? "pass" : "MISS",
      ]);
    }
    context.log(
      formatTable(
        [
          { header: "flow (trivial nodes)", align: "left" },
          { header: "floor µs/node" },
          { header: "ours over floor µs/node" },
          { header: "quartiles" },
          { header: `≤ ${TARGET_US} µs`, align: "left" },
        ],
        rows,
      ),
    );
  },
};
