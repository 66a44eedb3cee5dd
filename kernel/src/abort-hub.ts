/**
 * One listener on a run's signal that reaches everything running under it. Each node attempt
 * subscribes here instead of adding a listener of its own to the run's signal: a fan-out of a
 * hundred nodes costs one listener (and no "possible EventTarget memory leak" warning from Node
 * past ten).
 */
export interface AbortHub {
  readonly signal: AbortSignal;
  /** Calls `onAbort` with the reason when the run aborts (at once if it has); returns how to stop listening. */
  subscribe(onAbort: (reason: unknown) => void): () => void;
}

const nothing = () => {};

export function createAbortHub(signal: AbortSignal): AbortHub {
  const subscribers = new Set<(reason: unknown) => void>();
  let listening = false;
  const dispatch = () => {
    for (const subscriber of [...subscribers]) subscriber(signal.reason);
    subscribers.clear();
  };
  return {
    signal,
    subscribe(onAbort) {
      if (signal.aborted) {
        onAbort(signal.reason);
        return nothing;
      }
      if (!listening) {
        listening = true;
        signal.addEventListener("abort", dispatch, { once: true });
      }
      subscribers.add(onAbort);
      return () => subscribers.delete(onAbort);
    },
  };
}
