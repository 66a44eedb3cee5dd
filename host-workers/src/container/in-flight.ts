/** One call in flight, so a cancellation can reach it. */
export interface InFlight {
  readonly node: string | undefined;
  readonly abort: AbortController;
  cancelled: boolean;
}

/** Calls in flight by run id. */
export function createInFlight() {
  const byRun = new Map<string, Set<InFlight>>();
  return {
    /** Tracks a new call of `runId` until the returned release is called. */
    add(runId: string, node: string | undefined): { readonly call: InFlight; readonly release: () => void } {
      const call: InFlight = { node, abort: new AbortController(), cancelled: false };
      const calls = byRun.get(runId) ?? new Set<InFlight>();
      calls.add(call);
      byRun.set(runId, calls);
      return {
        call,
        release: () => {
          calls.delete(call);
          if (calls.size === 0) byRun.delete(runId);
        },
      };
    },
    /** The run's calls in flight (only those of `node`, when given). */
    of(runId: string, node?: string): InFlight[] {
      return [...(byRun.get(runId) ?? [])].filter((call) => node === undefined || call.node === node);
    },
  };
}

export type InFlightCalls = ReturnType<typeof createInFlight>;
