import type { JournalEntry, JournalStore } from "@flows/kernel";
import type { BusHandlers } from "./dispatcher";
import { JOURNAL_PAGE_UNITS, type JournalPage, type PagedJournalStore, pageOf } from "./journal-page";

/** What the bus journal needs from a bus client. */
export interface JournalBusCaller {
  call(method: string, params?: unknown): Promise<unknown>;
}

/** Safe to repeat when the bus answers with a retryable error; appends are not. */
export const JOURNAL_IDEMPOTENT_METHODS: readonly string[] = ["journal.read", "journal.list"];

/**
 * A run journal kept by the host at the other end of the bus: a container's disk is
 * ephemeral, so what a run completed must live where the next container will find it.
 */
export function createBusJournal(bus: JournalBusCaller): JournalStore {
  return {
    // A page at a time: a journal of large outputs may outgrow what one answer can carry.
    read: async (runId) => {
      const entries: JournalEntry[] = [];
      for (let from: number | null = 0; from !== null; ) {
        const answer = (await bus.call("journal.read", { run_id: runId, from })) as JournalPage | JournalEntry[];
        // A host that answers with the whole journal at once.
        if (Array.isArray(answer)) return answer;
        for (const entry of answer.entries) entries.push(entry);
        from = answer.next === null || answer.next <= from ? null : answer.next;
      }
      return entries;
    },
    append: async (runId, entries) => {
      await bus.call("journal.append", { run_id: runId, entries });
    },
    list: async () => (await bus.call("journal.list", {})) as readonly string[],
  };
}

function invalid(message: string): Error {
  return Object.assign(new Error(message), { code: "JOURNAL400", retryable: false });
}

function runIdOf(params: unknown): string {
  const runId = (params as { run_id?: unknown } | null)?.run_id;
  if (typeof runId !== "string" || runId === "") throw invalid('journal calls need a non-empty string "run_id"');
  return runId;
}

function entriesOf(params: unknown): readonly JournalEntry[] {
  const entries = (params as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) throw invalid('journal.append needs "entries": an array of journal entries');
  for (const entry of entries) {
    if (entry === null || typeof entry !== "object" || typeof (entry as { type?: unknown }).type !== "string") {
      throw invalid('every journal entry is an object with a string "type"');
    }
  }
  return entries as readonly JournalEntry[];
}

function fromOf(params: unknown): number | undefined {
  const from = (params as { from?: unknown } | null)?.from;
  if (from === undefined) return undefined;
  if (typeof from !== "number" || !Number.isInteger(from) || from < 0) {
    throw invalid('journal.read "from" must be a whole number: the position of the first entry wanted');
  }
  return from;
}

/**
 * The host side: `journal.*` bus methods served by a real JournalStore. `journal.read` with
 * `from` answers one page (`{ entries, next }`), read page by page from the store when it can.
 */
export function journalBusHandlers(journal: JournalStore | PagedJournalStore): BusHandlers[string] {
  return {
    read: async (params) => {
      const runId = runIdOf(params);
      const from = fromOf(params);
      if (from === undefined) return journal.read(runId);
      if ("readPage" in journal) return journal.readPage(runId, from, JOURNAL_PAGE_UNITS);
      return pageOf(await journal.read(runId), from, JOURNAL_PAGE_UNITS);
    },
    append: async (params) => {
      await journal.append(runIdOf(params), entriesOf(params));
      return null;
    },
    list: () => journal.list(),
  };
}
