import type { JournalStore } from "@flows/kernel";

/**
 * Tells whoever follows a run that its journal grew. Every append of a run object goes through
 * its journal store (the kernel's own, and a container's over `journalAppend`), so wrapping that
 * store sees them all: followers are told at once instead of polling storage.
 */
export interface JournalFeed {
  /** The store with every successful append announced to the run's followers. */
  watch(store: JournalStore): JournalStore;
  /** Calls `grew` after each append to `runId` until the returned function is called. */
  follow(runId: string, grew: () => void): () => void;
}

export function createJournalFeed(): JournalFeed {
  const followers = new Map<string, Set<() => void>>();
  return {
    watch(store) {
      return {
        read: (runId) => store.read(runId),
        list: () => store.list(),
        async append(runId, entries) {
          await store.append(runId, entries);
          const set = followers.get(runId);
          if (set !== undefined) for (const grew of [...set]) grew();
        },
      };
    },
    follow(runId, grew) {
      let set = followers.get(runId);
      if (set === undefined) {
        set = new Set();
        followers.set(runId, set);
      }
      set.add(grew);
      return () => {
        set.delete(grew);
        if (set.size === 0 && followers.get(runId) === set) followers.delete(runId);
      };
    },
  };
}
