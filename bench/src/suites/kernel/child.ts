import type { Candidate, Runner } from "./candidates";
import { floorCandidate } from "./floor";
import { langgraphCandidate } from "./langgraph";
import { oursCandidate } from "./ours";
import { SHAPES } from "./shapes";

// One candidate of the kernel suite in a process of its own (argv: floor | ours | langgraph),
// driven over IPC: `time` runs a shape `runs` times and answers µs per node; `heap` parks
// `count` runs and answers the heap they hold, per run.

export type Request = { type: "time"; shape: string; runs: number } | { type: "heap"; count: number };
export type Reply = { us_per_node: number } | { bytes_per_run: number } | { error: string };

const candidates: Record<string, Candidate> = {
  floor: floorCandidate,
  ours: oursCandidate,
  langgraph: langgraphCandidate,
};
const candidate = candidates[process.argv[2] ?? ""];
if (candidate === undefined) throw new Error(`no candidate ${process.argv[2]}`);
const gc = (globalThis as { gc?: () => void }).gc;

const runners = new Map<string, Runner>();
async function runnerFor(name: string): Promise<Runner> {
  let runner = runners.get(name);
  if (runner === undefined) {
    const shape = SHAPES.find((known) => known.name === name);
    if (shape === undefined) throw new Error(`no shape ${name}`);
    runner = await (candidate as Candidate).prepare(shape);
    runners.set(name, runner);
  }
  return runner;
}

async function answer(request: Request): Promise<Reply> {
  if (request.type === "time") {
    const shape = SHAPES.find((known) => known.name === request.shape);
    const runner = await runnerFor(request.shape);
    const started = performance.now();
    for (let index = 0; index < request.runs; index += 1) await runner.run();
    return { us_per_node: ((performance.now() - started) * 1_000) / request.runs / (shape?.nodes ?? 1) };
  }
  if (gc === undefined) throw new Error("the kernel suite's children run with --expose-gc");
  const parked = await (candidate as Candidate).parked();
  // One round first, so what stays for good (compiled code, caches) is not counted.
  await parked.start(10);
  await parked.release();
  gc();
  const before = process.memoryUsage().heapUsed;
  await parked.start(request.count);
  gc();
  const after = process.memoryUsage().heapUsed;
  await parked.release();
  return { bytes_per_run: (after - before) / request.count };
}

process.on("message", (request: Request) => {
  answer(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }),
  );
});
process.send?.({ ready: true });
