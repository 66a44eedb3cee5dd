import { performance } from "node:perf_hooks";
import type { Candidate, Runner } from "./candidate";
import { READY, type Reply, type Request } from "./protocol";
import { shapeNamed } from "./shapes";

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after full collections; twice, so what the first one finalised is gone too. */
function settledHeap(collect: () => void): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap held per parked run: `count` runs parked, weighed against the heap before them. A small
 * batch parks and finishes first, so what stays for good (compiled code, caches, the
 * candidate's one-time set-up) is in both weighings and cancels out.
 */
async function heapPerRun(candidate: Candidate, count: number): Promise<number> {
  if (gc === undefined) throw new Error("the kernel suite's candidates run with --expose-gc");
  const parked = await candidate.parked();
  await parked.start(10);
  await parked.release();
  const before = settledHeap(gc);
  await parked.start(count);
  const after = settledHeap(gc);
  await parked.release();
  return (after - before) / count;
}

/**
 * Serves one candidate in this process over IPC until the suite disconnects. Runners are
 * prepared on a shape's first request (a warm-up batch), outside any timed span.
 */
export function serve(candidate: Candidate): void {
  const runners = new Map<string, Promise<Runner>>();
  const runnerFor = (name: string): Promise<Runner> => {
    let runner = runners.get(name);
    if (runner === undefined) {
      runner = candidate.prepare(shapeNamed(name));
      runners.set(name, runner);
    }
    return runner;
  };

  const answer = async (request: Request): Promise<Reply> => {
    if (request.type === "heap") return { type: "heap", bytesPerRun: await heapPerRun(candidate, request.count) };
    const runner = await runnerFor(request.shape);
    const started = performance.now();
    for (let index = 0; index < request.runs; index += 1) await runner.run();
    const elapsedMs = performance.now() - started;
    return { type: "time", usPerNode: (elapsedMs * 1_000) / request.runs / shapeNamed(request.shape).nodes };
  };

  // A reply the suite is no longer there to read (it ended during the batch) ends this process.
  const send = (reply: Reply | typeof READY) =>
    process.send?.(reply, undefined, {}, (error: Error | null) => {
      if (error !== null) process.exit(0);
    });
  process.on("message", (request: Request) => {
    answer(request).then(send, (error: unknown) =>
      send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  // The suite gone (done, or crashed) leaves nothing running; the channel's close is noticed
  // between batches, since a batch never yields to I/O.
  process.on("disconnect", () => process.exit(0));
  send(READY);
}
