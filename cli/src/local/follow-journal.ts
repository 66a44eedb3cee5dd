import type { JournalEntry } from "@flows/kernel";
import { createFsJournal } from "./journal";
import { openLocalStore } from "./store";

export interface LocalEntry {
  readonly seq: number;
  readonly entry: JournalEntry;
}

export interface LocalFollowOptions {
  readonly after?: number;
  /** Keep reading appends until the run finishes; otherwise stop at what is journaled now. */
  readonly follow: boolean;
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

const POLL_MS = 200;

/**
 * A local run's journal entries with their sequence numbers (0-based, as the Worker numbers
 * its SSE ids), then, when following, the ones appended by the process executing it: the file
 * is read again every `pollMs` until a `finished` entry. A line still being written reads as
 * torn and is taken on the next read, whole.
 */
export async function* followLocalJournal(
  stateDir: string,
  runId: string,
  options: LocalFollowOptions,
): AsyncGenerator<LocalEntry> {
  const journal = createFsJournal(openLocalStore(stateDir));
  let next = (options.after ?? -1) + 1;
  for (let first = true; ; first = false) {
    const entries = await journal.read(runId);
    // No journal at all: no such run (yet), nothing to follow.
    if (first && entries.length === 0) return;
    for (; next < entries.length; next += 1) {
      const entry = entries[next] as JournalEntry;
      yield { seq: next, entry };
      if (entry.type === "finished") return;
    }
    if (!options.follow || options.signal?.aborted) return;
    await new Promise((done) => setTimeout(done, options.pollMs ?? POLL_MS));
  }
}
