import type { JournalEntry, JournalStore } from "./journal";

/**
 * Appends a run's entries in call order, one append per batch: entries recorded while the
 * previous append is under way (or within one turn of the microtask queue) go to the store
 * together, so a fan-out whose nodes finish together costs one write, not one each. Each call
 * resolves once its entries are stored; once an append fails, every later one fails with it.
 */
export function createJournalWriter(
  journal: JournalStore,
  runId: string,
): (entries: readonly JournalEntry[]) => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  // The first call's array as given; a second call joining the batch makes a new one.
  let batch: readonly JournalEntry[] | undefined;
  let flushed: Promise<void> = chain;
  const flush = () => {
    const entries = batch as readonly JournalEntry[];
    batch = undefined;
    return journal.append(runId, entries);
  };
  return (entries) => {
    if (batch !== undefined) {
      batch = batch.concat(entries);
      return flushed;
    }
    batch = entries;
    chain = chain.then(flush);
    flushed = chain;
    return flushed;
  };
}
