import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createSqlJournal } from "@flows/host-workers";
import type { JournalEntry, JournalStore } from "@flows/kernel";
import { journalConformance } from "../support/conformance/journal";

// The run Durable Object's journal (SQLite) passes the same JournalStore suite as the memory
// and OpenDAL fs journals. Every call runs inside the object, on its real storage.
function sqlJournal(): JournalStore {
  const stub = env.JOURNAL.get(env.JOURNAL.idFromName(crypto.randomUUID()));
  const inside = <T>(use: (journal: JournalStore) => Promise<T>) =>
    runInDurableObject(stub, (_instance, state) => use(createSqlJournal(state.storage)));
  return {
    read: (runId) => inside((journal) => journal.read(runId)),
    append: (runId, entries: readonly JournalEntry[]) => inside((journal) => journal.append(runId, entries)),
    list: () => inside((journal) => journal.list()),
  };
}

journalConformance("Durable Object SQLite", sqlJournal);
