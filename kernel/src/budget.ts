import { KernelError } from "./errors";
import type { Clock } from "./host";

/**
 * Runs `work` under an abort signal that fires when the parent aborts or `budgetMs` passes;
 * on timeout the work's signal aborts with TIME015 and the returned promise rejects at once,
 * whether or not the work notices.
 */
export async function withBudget<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: {
    parent: AbortSignal;
    budgetMs: number | undefined;
    clock: Clock;
    what: string;
    details: Record<string, unknown>;
  },
): Promise<T> {
  const controller = new AbortController();
  const timer = new AbortController();
  const onParentAbort = () => controller.abort(options.parent.reason);
  if (options.parent.aborted) controller.abort(options.parent.reason);
  else options.parent.addEventListener("abort", onParentAbort, { once: true });

  const { budgetMs } = options;
  if (budgetMs !== undefined && Number.isFinite(budgetMs)) {
    options.clock.sleep(budgetMs, timer.signal).then(
      () =>
        controller.abort(
          new KernelError(
            "TIME015",
            `${options.what} exceeded its time budget of ${budgetMs} ms: make it faster or raise the timeout`,
            { ...options.details, budget_ms: budgetMs },
            true,
          ),
        ),
      () => {},
    );
  }
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  // Once the race is decided nobody awaits this promise any more.
  aborted.catch(() => {});
  try {
    return await Promise.race([work(controller.signal), aborted]);
  } finally {
    timer.abort();
    options.parent.removeEventListener("abort", onParentAbort);
    // Whatever the node still holds on to must see that its time is over.
    if (!controller.signal.aborted) controller.abort(new KernelError("RUN499", "node attempt finished"));
  }
}
