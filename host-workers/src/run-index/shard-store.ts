import type { RunStatus } from "@flows/kernel";
import type { RunSummaryRow, VersionedRow } from "./summary";

/**
 * One index shard's rows, in its SQLite storage: the runs started in one hour whose id hashes
 * to this shard. Ordered lookups go through (started_at, run_id) indexes, newest first.
 */
// Statements written as concatenated one-line strings: a bundle keeps a template literal's line
// breaks and indentation, while esbuild folds the concatenation into one string.
const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS flows_index_rows (" +
    "run_id TEXT PRIMARY KEY, flow TEXT NOT NULL, status TEXT NOT NULL, trigger TEXT NOT NULL, " +
    "started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER, checkpoint TEXT, " +
    "wake_at INTEGER, error_code TEXT, version INTEGER NOT NULL)",
  "CREATE INDEX IF NOT EXISTS flows_index_by_start ON flows_index_rows (started_at, run_id)",
  "CREATE INDEX IF NOT EXISTS flows_index_by_flow ON flows_index_rows (flow, started_at, run_id)",
  "CREATE INDEX IF NOT EXISTS flows_index_by_status ON flows_index_rows (status, started_at, run_id)",
  "CREATE TABLE IF NOT EXISTS flows_index_shard (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

/** Objects whose shard tables exist (made once per object instance, not on every request). */
const opened = new WeakSet<DurableObjectStorage>();

export function openShard(storage: DurableObjectStorage): void {
  if (opened.has(storage)) return;
  for (const statement of SCHEMA) storage.sql.exec(statement);
  opened.add(storage);
}

/** Whether this object holds index rows (a shard), without creating anything. */
export function isShard(storage: DurableObjectStorage): boolean {
  return (
    storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'flows_index_rows'").toArray()
      .length > 0
  );
}

/** Upserts rows; a row older (lower version) than the stored one is ignored. */
export function putRows(storage: DurableObjectStorage, rows: readonly VersionedRow[]): void {
  openShard(storage);
  storage.transactionSync(() => {
    for (const row of rows) {
      storage.sql.exec(
        "INSERT INTO flows_index_rows (run_id, flow, status, trigger, started_at, updated_at, finished_at, checkpoint, wake_at, error_code, version) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT (run_id) DO UPDATE SET flow = excluded.flow, status = excluded.status, trigger = excluded.trigger, " +
          "started_at = excluded.started_at, updated_at = excluded.updated_at, finished_at = excluded.finished_at, " +
          "checkpoint = excluded.checkpoint, wake_at = excluded.wake_at, error_code = excluded.error_code, " +
          "version = excluded.version " +
          "WHERE excluded.version >= flows_index_rows.version",
        row.run_id,
        row.flow,
        row.status,
        row.trigger,
        row.started_at,
        row.updated_at,
        row.finished_at,
        row.checkpoint,
        row.wake_at,
        row.error_code,
        row.version,
      );
    }
  });
}

export function isRegistered(storage: DurableObjectStorage): boolean {
  openShard(storage);
  return storage.sql.exec("SELECT 1 FROM flows_index_shard WHERE key = 'registered'").toArray().length > 0;
}

export function markRegistered(storage: DurableObjectStorage): void {
  openShard(storage);
  storage.sql.exec("INSERT OR REPLACE INTO flows_index_shard (key, value) VALUES ('registered', '1')");
}

/** A page request to one shard: rows strictly before `before` (newest first), filtered. */
export interface ShardQuery {
  readonly before?: { readonly started_at: number; readonly run_id: string };
  readonly flow?: string;
  readonly statuses?: readonly RunStatus[];
  /** Inclusive lower bound of started_at. */
  readonly since?: number;
  /** Exclusive upper bound of started_at. */
  readonly until?: number;
  readonly limit: number;
}

/** A row as SQLite hands it back: the summary's columns, its status not yet checked. */
type StoredRow = Omit<RunSummaryRow, "status"> & { readonly status: string; [column: string]: SqlStorageValue };

export function queryRows(storage: DurableObjectStorage, query: ShardQuery): RunSummaryRow[] {
  if (!isShard(storage)) return [];
  const where: string[] = [];
  const args: SqlStorageValue[] = [];
  if (query.before !== undefined) {
    where.push("(started_at < ? OR (started_at = ? AND run_id < ?))");
    args.push(query.before.started_at, query.before.started_at, query.before.run_id);
  }
  if (query.since !== undefined) {
    where.push("started_at >= ?");
    args.push(query.since);
  }
  if (query.until !== undefined) {
    where.push("started_at < ?");
    args.push(query.until);
  }
  if (query.flow !== undefined) {
    where.push("flow = ?");
    args.push(query.flow);
  }
  if (query.statuses !== undefined && query.statuses.length > 0) {
    where.push(`status IN (${query.statuses.map(() => "?").join(", ")})`);
    args.push(...query.statuses);
  }
  const sql =
    "SELECT run_id, flow, status, trigger, started_at, updated_at, finished_at, checkpoint, wake_at, error_code " +
    `FROM flows_index_rows ${where.length === 0 ? "" : `WHERE ${where.join(" AND ")} `}` +
    "ORDER BY started_at DESC, run_id DESC LIMIT ?";
  return storage.sql
    .exec<StoredRow>(sql, ...args, query.limit)
    .toArray()
    .map((row) => ({ ...row, status: row.status as RunStatus }));
}
