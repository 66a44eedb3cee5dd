import type { JournalPage, PagedJournalStore } from "@flows/caps/bus";
import type { JournalEntry } from "@flows/kernel";
import { splitPieces } from "./journal-pieces";

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

export function createSqlJournal(storage: DurableObjectStorage): PagedJournalStore {
  const sql = storage.sql;
  sql.exec(
    "CREATE TABLE IF NOT EXISTS flows_journal (run_id TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (run_id, seq))",
  );
  // An entry over one row's 2 MB (a large node output) keeps its first piece in flows_journal
  // and the rest here, in order: the platform's limit is then the object's storage, not a row.
  sql.exec(
    "CREATE TABLE IF NOT EXISTS flows_journal_pieces (run_id TEXT NOT NULL, seq INTEGER NOT NULL, piece INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (run_id, seq, piece))",
  );
  // Only this object writes its journal, so the next sequence number of a run is known after
  // its first append: one INSERT per entry instead of a SELECT and an INSERT.
  const nextSeq = new Map<string, number>();
  /** The statements of one entry: one when it fits a row, more when it is stored in pieces. */
  const insert = (runId: string, seq: number, pieces: readonly string[]) => {
    sql.exec("INSERT INTO flows_journal (run_id, seq, entry) VALUES (?, ?, ?)", runId, seq, pieces[0] ?? "");
    for (let piece = 1; piece < pieces.length; piece += 1) {
      sql.exec(
        "INSERT INTO flows_journal_pieces (run_id, seq, piece, text) VALUES (?, ?, ?, ?)",
        runId,
        seq,
        piece,
        pieces[piece] ?? "",
      );
    }
  };
  return {
    async read(runId) {
      const rest = new Map<number, string[]>();
      for (const row of sql
        .exec<{ seq: number; text: string }>(
          "SELECT seq, text FROM flows_journal_pieces WHERE run_id = ? ORDER BY seq, piece",
          runId,
        )
        .toArray()) {
        const pieces = rest.get(row.seq) ?? [];
        pieces.push(row.text);
        rest.set(row.seq, pieces);
      }
      return sql
        .exec<{ seq: number; entry: string }>(
          "SELECT seq, entry FROM flows_journal WHERE run_id = ? ORDER BY seq",
          runId,
        )
        .toArray()
        .map((row) => {
          const pieces = rest.get(row.seq);
          return JSON.parse(pieces === undefined ? row.entry : row.entry + pieces.join("")) as JournalEntry;
        });
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
      const texts = entries.map((entry) => splitPieces(JSON.stringify(entry)));
      const [only] = texts;
      // One statement is atomic on its own; several go in one transaction.
      if (texts.length === 1 && only !== undefined && only.length === 1) insert(runId, first, only);
      else
        storage.transactionSync(() => {
          let at = first;
          for (const pieces of texts) {
            insert(runId, at, pieces);
            at += 1;
          }
        });
      nextSeq.set(runId, first + entries.length);
    },
    /**
     * Entries from position `from` on, stopping before the one that would pass `maxUnits` of JSON
     * (one entry at least): the rows are read lazily, so a long journal is never loaded whole.
     */
    async readPage(runId, from, maxUnits): Promise<JournalPage> {
      const entries: JournalEntry[] = [];
      let units = 0;
      for (const row of sql.exec<{ seq: number; entry: string }>(
        "SELECT seq, entry FROM flows_journal WHERE run_id = ? AND seq >= ? ORDER BY seq",
        runId,
        from,
      )) {
        const rest = sql
          .exec<{ text: string }>(
            "SELECT text FROM flows_journal_pieces WHERE run_id = ? AND seq = ? ORDER BY piece",
            runId,
            row.seq,
          )
          .toArray()
          .map((piece) => piece.text);
        const text = rest.length === 0 ? row.entry : row.entry + rest.join("");
        if (entries.length > 0 && units + text.length > maxUnits) return { entries, next: row.seq };
        entries.push(JSON.parse(text) as JournalEntry);
        units += text.length;
      }
      return { entries, next: null };
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
