import type { Work } from "./shutdown";

/** A request's work, labelled with the node it runs (`/node`) or none (a whole run). */
interface Tracked {
  readonly work: Work;
  node: string | undefined;
}

/**
 * The work in flight for each run id, so a cancellation the Worker sends (`POST /cancel`)
 * reaches every request of that run, or only those running one node.
 */
export interface RunRegistry {
  /** Records a request's work; the returned entry's `node` may be set once the body is read. */
  track(runId: string, work: Work): { node: string | undefined; untrack(): void };
  /** Cancels the run's work (of `node` only, when given) and returns what was cancelled. */
  cancel(runId: string, node: string | undefined, reason: unknown): Work[];
}

export function createRunRegistry(): RunRegistry {
  const runs = new Map<string, Set<Tracked>>();
  return {
    track(runId, work) {
      const entry: Tracked = { work, node: undefined };
      const set = runs.get(runId) ?? new Set<Tracked>();
      set.add(entry);
      runs.set(runId, set);
      return Object.assign(entry, {
        untrack() {
          set.delete(entry);
          if (set.size === 0 && runs.get(runId) === set) runs.delete(runId);
        },
      });
    },
    cancel(runId, node, reason) {
      const cancelled: Work[] = [];
      for (const entry of runs.get(runId) ?? []) {
        if (node !== undefined && entry.node !== node) continue;
        entry.work.cancel(reason);
        cancelled.push(entry.work);
      }
      return cancelled;
    },
  };
}
