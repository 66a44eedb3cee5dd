import type { IndexedRun } from "./summary";

/**
 * What a run object keeps for the index: one row per run with how it started, its shard, and
 * two counters. `version` goes up with every change the index must see, in the same storage
 * transaction as the change itself; `pushed` is the last version its shard acknowledged. A run
 * with `pushed < version` is the outbox: pushed again by the object's alarm until acknowledged.
 */
// One line in the bundle (a template literal would keep these line breaks and indentation).
const SCHEMA =
  "CREATE TABLE IF NOT EXISTS flows_index_self (" +
  "run_id TEXT PRIMARY KEY, flow TEXT NOT NULL, trigger TEXT NOT NULL, started_at INTEGER NOT NULL, " +
  "bucket INTEGER NOT NULL, shard INTEGER NOT NULL, version INTEGER NOT NULL, pushed INTEGER NOT NULL, " +
  "failed_code TEXT, failed_at INTEGER)";

const opened = new WeakSet<DurableObjectStorage>();

/** Makes the table once per object instance. */
function open(storage: DurableObjectStorage): void {
  if (opened.has(storage)) return;
  storage.sql.exec(SCHEMA);
  opened.add(storage);
}

interface SelfRow {
  run_id: string;
  flow: string;
  trigger: string;
  started_at: number;
  bucket: number;
  shard: number;
  version: number;
  pushed: number;
  failed_code: string | null;
  failed_at: number | null;
  [column: string]: SqlStorageValue;
}

const hasTable = (storage: DurableObjectStorage, name: string) =>
  storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray().length > 0;

const toRun = (row: SelfRow): IndexedRun => ({
  runId: row.run_id,
  flow: row.flow,
  trigger: row.trigger,
  startedAt: row.started_at,
  bucket: row.bucket,
  shard: row.shard,
  version: row.version,
  pushed: row.pushed,
  failedCode: row.failed_code,
  failedAt: row.failed_at,
});

export function readIndexed(storage: DurableObjectStorage, runId: string): IndexedRun | undefined {
  if (!opened.has(storage) && !hasTable(storage, "flows_index_self")) return undefined;
  const [row] = storage.sql.exec<SelfRow>("SELECT * FROM flows_index_self WHERE run_id = ?", runId).toArray();
  return row === undefined ? undefined : toRun(row);
}

/** Records a run the first time (version 1, not pushed); a run already recorded is left as it is. */
export function recordIndexed(
  storage: DurableObjectStorage,
  run: Pick<IndexedRun, "runId" | "flow" | "trigger" | "startedAt" | "bucket" | "shard">,
  pushed = 0,
): void {
  open(storage);
  storage.sql.exec(
    "INSERT OR IGNORE INTO flows_index_self (run_id, flow, trigger, started_at, bucket, shard, version, pushed) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
    run.runId,
    run.flow,
    run.trigger,
    run.startedAt,
    run.bucket,
    run.shard,
    pushed,
  );
}

/** The index must see this run again: one more version to push. */
export function bumpIndexed(storage: DurableObjectStorage, runId: string): void {
  open(storage);
  storage.sql.exec("UPDATE flows_index_self SET version = version + 1 WHERE run_id = ?", runId);
}

/** A run that failed before its journal began (nothing else records the failure). */
export function recordEarlyFailure(storage: DurableObjectStorage, runId: string, code: string, at: number): void {
  open(storage);
  storage.sql.exec(
    "UPDATE flows_index_self SET failed_code = ?, failed_at = ?, version = version + 1 WHERE run_id = ?",
    code,
    at,
    runId,
  );
}

export function acknowledge(storage: DurableObjectStorage, runId: string, version: number): void {
  storage.sql.exec("UPDATE flows_index_self SET pushed = MAX(pushed, ?) WHERE run_id = ?", version, runId);
}

/** Runs whose latest version their shard has not acknowledged. */
export function unpushed(storage: DurableObjectStorage): string[] {
  if (!hasTable(storage, "flows_index_self")) return [];
  return storage.sql
    .exec<{ run_id: string }>("SELECT run_id FROM flows_index_self WHERE pushed < version")
    .toArray()
    .map((row) => row.run_id);
}

export function indexedRunIds(storage: DurableObjectStorage): string[] {
  if (!hasTable(storage, "flows_index_self")) return [];
  return storage.sql
    .exec<{ run_id: string }>("SELECT run_id FROM flows_index_self")
    .toArray()
    .map((row) => row.run_id);
}

/** Run ids of runs recorded pending (an async start not begun yet), without creating anything. */
export function pendingRunIds(storage: DurableObjectStorage): string[] {
  if (!hasTable(storage, "flows_pending")) return [];
  return storage.sql
    .exec<{ run_id: string }>("SELECT run_id FROM flows_pending")
    .toArray()
    .map((row) => row.run_id);
}

export function journalRunIds(storage: DurableObjectStorage): string[] {
  if (!hasTable(storage, "flows_journal")) return [];
  return storage.sql
    .exec<{ run_id: string }>("SELECT DISTINCT run_id FROM flows_journal")
    .toArray()
    .map((row) => row.run_id);
}
