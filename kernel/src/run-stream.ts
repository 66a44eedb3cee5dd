import { KernelError } from "./errors";
import type { FlowPlan } from "./plan";
import type { ExecutionDeps } from "./run-execution";
import { readRun, type Started } from "./run-start";
import type { RunOutcome } from "./scheduler";

const DEFAULT_STREAM_BUFFER = 16;

/**
 * The capture node's values as a started run produces them; a run that had already finished
 * hands back its recorded result, a failed one throws its error.
 */
export function streamValues(deps: ExecutionDeps, started: Promise<Started>): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      let inner: AsyncIterator<unknown> | undefined;
      let finishedOutcome: RunOutcome | undefined;
      let recorded: unknown[] = [];
      const ready = started.then(async (s) => {
        if (s.context?.channel) {
          inner = s.context.channel[Symbol.asyncIterator]();
          return;
        }
        finishedOutcome = await s.outcome;
        if (finishedOutcome.status === "completed") {
          const state = await readRun(deps, s.runId);
          const output = finishedOutcome.output;
          recorded = state.finished?.streamed === true && Array.isArray(output) ? [...output] : [output];
        }
      });
      return {
        async next() {
          await ready;
          if (inner) return inner.next();
          if (recorded.length > 0) return { done: false, value: recorded.shift() };
          if (finishedOutcome && (finishedOutcome.status === "failed" || finishedOutcome.status === "cancelled")) {
            throw new KernelError(
              finishedOutcome.error.code,
              finishedOutcome.error.message,
              finishedOutcome.error.details,
            );
          }
          return { done: true, value: undefined };
        },
        async return() {
          await ready;
          await inner?.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** `buffer.max_items` on the capture node's edges bounds how far its stream runs ahead. */
export function streamCapacity(plan: FlowPlan, capture: string): number {
  const node = plan.nodes.get(capture);
  let capacity = node?.bufferItems;
  for (const edge of plan.flow.edges) {
    if (edge.to === capture && typeof edge.buffer.max_items === "number" && edge.buffer.max_items > 0) {
      capacity = Math.min(capacity ?? edge.buffer.max_items, edge.buffer.max_items);
    }
  }
  return capacity !== undefined && capacity > 0 ? capacity : DEFAULT_STREAM_BUFFER;
}
