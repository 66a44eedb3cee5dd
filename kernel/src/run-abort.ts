/**
 * How a run stops: cancelled, past its deadline, or failed in one node while others run. Not an
 * `AbortController`: building one (and dispatching its event) per run and per node attempt cost
 * more than the nodes themselves, so a real `AbortSignal` is made only for code that asks for
 * one (a node reading `ctx.signal`, a timer), and everything else checks a flag.
 */
/** Told when the run aborts. An object, so listening costs no closure per node attempt. */
export interface AbortListener {
  abort(reason: unknown): void;
}

export class RunAbort {
  #aborted = false;
  #reason: unknown;
  #listeners: Set<AbortListener> | undefined;
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** A real signal that aborts with the run, made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.#aborted) controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Stops the run with `reason`; later calls change nothing. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener.abort(reason);
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  /** Tells `listener` when the run aborts (at once if it has). */
  listen(listener: AbortListener): void {
    if (this.#aborted) {
      listener.abort(this.#reason);
      return;
    }
    this.#listeners ??= new Set();
    this.#listeners.add(listener);
  }

  unlisten(listener: AbortListener): void {
    this.#listeners?.delete(listener);
  }
}
