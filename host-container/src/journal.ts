import type { JournalStore } from "@flows/kernel";

/**
 * The run's journal as the kernel sees it in a container. When the run is interrupted (the
 * container stops at its grace deadline, or the Worker hangs up), the kernel would record the
 * run as finished: that entry is held back, so the journal keeps only what completed and the
 * next `/run` with the same id replays it and executes the rest.
 */
export function interruptibleJournal(inner: JournalStore, interrupted: () => boolean): JournalStore {
  return {
    read: (runId) => inner.read(runId),
    list: () => inner.list(),
    append: async (runId, entries) => {
      const kept = interrupted() ? entries.filter((entry) => entry.type !== "finished") : entries;
      if (kept.length > 0) await inner.append(runId, kept);
    },
  };
}
