import type { JournalEntry, JournalStore } from "@flows/kernel";
import type { BusHandlers } from "./dispatcher";

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
    read: async (runId) => (await bus.call("journal.read", { run_id: runId })) as readonly JournalEntry[],
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

/** The host side: `journal.*` bus methods served by a real JournalStore. */
export function journalBusHandlers(journal: JournalStore): BusHandlers[string] {
  return {
    read: (params) => journal.read(runIdOf(params)),
    append: async (params) => {
      await journal.append(runIdOf(params), entriesOf(params));
      return null;
    },
    list: () => journal.list(),
  };
}
