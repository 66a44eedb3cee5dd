import { KernelError } from "./errors";
import type { Clock } from "./host";
import type { AbortListener, RunAbort } from "./run-abort";

/**
 * What a finished attempt's signal aborts with. One shared value: building an error (and its
 * stack) for every attempt of every node cost more than many nodes do themselves.
 */
const ATTEMPT_FINISHED = new KernelError("RUN499", "node attempt finished");
const ignore = () => {};

export interface AttemptBudget {
  readonly ms: number;
  readonly clock: Clock;
  readonly what: string;
  readonly details: Record<string, unknown>;
}

/**
 * The lifetime of one node attempt: it aborts with the run or when its budget passes, and ends
 * when the node settles. Nothing is allocated for what the node does not use: the signal exists
 * once the node reads it, the timer only with a budget, the run subscription only while an
 * asynchronous node is awaited.
 */
export class AttemptScope implements AbortListener {
  readonly #run: RunAbort;
  #done = false;
  #reason: unknown = ATTEMPT_FINISHED;
  #controller: AbortController | undefined;
  #listening = false;
  #reject: ((reason: unknown) => void) | undefined;
  #timer: AbortController | undefined;

  constructor(run: RunAbort) {
    this.#run = run;
  }

  /** Aborted when the attempt is: with the run, on timeout, or once it has finished. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.#done) controller.abort(this.#reason);
      else if (this.#run.aborted) this.abort(this.#run.reason);
      else this.#listen();
    }
    return this.#controller.signal;
  }

  /**
   * Settles with `work`, or fails at once when the attempt aborts (the run stopped, the budget
   * passed), whether or not the node notices. A failure goes through `onError`, which rethrows
   * or answers with what comes instead (the next attempt): one promise for both.
   */
  race(
    work: PromiseLike<unknown>,
    budget: AttemptBudget | undefined,
    onError: (error: unknown) => unknown,
  ): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.#reject = (error) => {
        try {
          resolve(onError(error));
        } catch (thrown) {
          reject(thrown);
        }
      };
      if (budget !== undefined) this.#startTimer(budget);
      if (this.#run.aborted) this.abort(this.#run.reason);
      else this.#listen();
      work.then(
        (value) => {
          this.finish();
          resolve(value);
        },
        (error: unknown) => {
          this.finish();
          this.#reject?.(error);
        },
      );
    });
  }

  abort(reason: unknown): void {
    if (this.#done) return;
    this.#reason = reason;
    this.#end();
    this.#controller?.abort(reason);
    this.#reject?.(reason);
  }

  /** The node settled: whatever it still holds on to must see that its time is over. */
  finish(): void {
    if (this.#done) return;
    this.#end();
    this.#controller?.abort(ATTEMPT_FINISHED);
  }

  #end(): void {
    this.#done = true;
    if (this.#listening) this.#run.unlisten(this);
    this.#timer?.abort(ATTEMPT_FINISHED);
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.#run.listen(this);
  }

  #startTimer(budget: AttemptBudget): void {
    const timer = new AbortController();
    this.#timer = timer;
    budget.clock
      .sleep(budget.ms, timer.signal)
      .then(
        () =>
          this.abort(
            new KernelError(
              "TIME015",
              `${budget.what} exceeded its time budget of ${budget.ms} ms: make it faster or raise the timeout`,
              { ...budget.details, budget_ms: budget.ms },
              true,
            ),
          ),
        ignore,
      );
  }
}
