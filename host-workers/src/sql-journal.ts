import type { JournalEntry, JournalStore } from "@flows/kernel";

/**
 * The journal inside a run's Durable Object, in its SQLite storage. Each append is one
 * synchronous transaction, so an entry is either stored whole or not at all, and entries of
 * one run keep their order.
 */
/**
 * Whether this object ever journaled anything. Reading an unknown run must not create the
 * journal's table: every probe of a made-up run id would leave a Durable Object behind.
 */
export function hasSqlJournal(storage: DurableObjectStorage): boolean {
  return (
    storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'flows_journal'").toArray().length > 0
  );
}

export function createSqlJournal(storage: DurableObjectStorage): JournalStore {
  const sql = storage.sql;
  sql.exec(
    "CREATE TABLE IF NOT EXISTS flows_journal (run_id TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (run_id, seq))",
  );
  // Only this object writes its journal, so the next sequence number of a run is known after
  // its first append: one INSERT per entry instead of a SELECT and an INSERT.
  const nextSeq = new Map<string, number>();
  const insert = (runId: string, seq: number, entry: JournalEntry) =>
    sql.exec("INSERT INTO flows_journal (run_id, seq, entry) VALUES (?, ?, ?)", runId, seq, JSON.stringify(entry));
  return {
    async read(runId) {
      return sql
        .exec<{ entry: string }>("SELECT entry FROM flows_journal WHERE run_id = ? ORDER BY seq", runId)
        .toArray()
        .map((row) => JSON.parse(row.entry) as JournalEntry);
    },
    async append(runId, entries) {
      let seq = nextSeq.get(runId);
      if (seq === undefined) {
        const last = sql
          .exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM flows_journal WHERE run_id = ?", runId)
          .one().seq;
        seq = (last ?? -1) + 1;
      }
      const first = seq;
      const [only] = entries;
      // One statement is atomic on its own; several go in one transaction.
      if (entries.length === 1 && only !== undefined) insert(runId, first, only);
      else
        storage.transactionSync(() => {
          let at = first;
          for (const entry of entries) {
            insert(runId, at, entry);
            at += 1;
          }
        });
      nextSeq.set(runId, first + entries.length);
    },
    async list() {
      return sql
        .exec<{ run_id: string }>("SELECT run_id FROM flows_journal WHERE seq = 0 ORDER BY rowid")
        .toArray()
        .map((row) => row.run_id);
    },
  };
}

/** A run's entries after sequence number `after` (-1 for all), with their numbers: what a follower has not seen. */
export function readJournalAfter(
  storage: DurableObjectStorage,
  runId: string,
  after: number,
): { readonly seq: number; readonly entry: JournalEntry }[] {
  return storage.sql
    .exec<{ seq: number; entry: string }>(
      "SELECT seq, entry FROM flows_journal WHERE run_id = ? AND seq > ? ORDER BY seq",
      runId,
      after,
    )
    .toArray()
    .map((row) => ({ seq: row.seq, entry: JSON.parse(row.entry) as JournalEntry }));
}
