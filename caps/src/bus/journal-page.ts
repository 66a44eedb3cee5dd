import type { JournalEntry, JournalStore } from "@flows/kernel";

/** One page of a run's journal: entries from a position on, and where the next page starts. */
export interface JournalPage {
  readonly entries: readonly JournalEntry[];
  /** The position of the first entry not in this page, or null after the last. */
  readonly next: number | null;
}

/** A journal a host can read a page at a time, so no single answer holds the whole of it. */
export interface PagedJournalStore extends JournalStore {
  readPage(runId: string, from: number, maxUnits: number): Promise<JournalPage>;
}

/**
 * How much of a journal one `journal.read` answers: 8 Mi UTF-16 units of entry JSON (at most 24
 * MiB of UTF-8), within the 32 MiB of the RPC call that brings it from the run's object. A
 * single larger entry still makes a page of its own.
 */
export const JOURNAL_PAGE_UNITS = 8 * 1024 * 1024;

/** The page of `entries` from `from` on, at least one entry, at most `maxUnits` of JSON beyond it. */
export function pageOf(entries: readonly JournalEntry[], from: number, maxUnits: number): JournalPage {
  const page: JournalEntry[] = [];
  let units = 0;
  let at = from;
  for (; at < entries.length; at += 1) {
    const entry = entries[at] as JournalEntry;
    const size = JSON.stringify(entry).length;
    if (page.length > 0 && units + size > maxUnits) break;
    page.push(entry);
    units += size;
  }
  return { entries: page, next: at < entries.length ? at : null };
}
