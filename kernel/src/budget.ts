import type { AbortHub } from "./abort-hub";
import { KernelError } from "./errors";
import type { Clock } from "./host";

/**
 * What a finished attempt's signal aborts with. One shared value: building an error (and its
 * stack) for every attempt of every node cost more than many nodes do themselves.
 */
const ATTEMPT_FINISHED = new KernelError("RUN499", "node attempt finished");
const ignore = () => {};

/**
 * Runs `work` under an abort signal that fires when the parent aborts or `budgetMs` passes;
 * on timeout the work's signal aborts with TIME015 and the returned promise rejects at once,
 * whether or not the work notices. A timer exists only when there is a budget.
 */
export async function withBudget<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: {
    /** The run's abort hub: the attempt aborts with the run. */
    parent: AbortHub;
    budgetMs: number | undefined;
    clock: Clock;
    what: string;
    details: Record<string, unknown>;
  },
): Promise<T> {
  const controller = new AbortController();
  let rejectAborted: (reason: unknown) => void = ignore;
  const aborted = new Promise<never>((_, reject) => {
    rejectAborted = reject;
  });
  // Once the race is decided nobody awaits this promise any more.
  aborted.catch(ignore);
  const abort = (reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    rejectAborted(reason);
  };
  const { parent, budgetMs } = options;
  const unsubscribe = parent.subscribe(abort);

  let timer: AbortController | undefined;
  if (budgetMs !== undefined && Number.isFinite(budgetMs)) {
    timer = new AbortController();
    options.clock
      .sleep(budgetMs, timer.signal)
      .then(
        () =>
          abort(
            new KernelError(
              "TIME015",
              `${options.what} exceeded its time budget of ${budgetMs} ms: make it faster or raise the timeout`,
              { ...options.details, budget_ms: budgetMs },
              true,
            ),
          ),
        ignore,
      );
  }
  try {
    return await Promise.race([work(controller.signal), aborted]);
  } finally {
    timer?.abort(ATTEMPT_FINISHED);
    unsubscribe();
    // Whatever the node still holds on to must see that its time is over.
    if (!controller.signal.aborted) controller.abort(ATTEMPT_FINISHED);
  }
}
