import type { RunOutcome } from "@flows/kernel";
import type { InvokeRequest } from "./run-protocol";

/**
 * Runs a run object carries forward by its alarm: started asynchronously, or waiting for a time
 * (a long sleep, a retry backoff, a halt's deadline). One row per run; the alarm re-invokes
 * each, which continues it from the journal or leaves it as it stands.
 */
const PENDING_TABLE = "CREATE TABLE IF NOT EXISTS flows_pending (run_id TEXT PRIMARY KEY, invocation TEXT NOT NULL)";

export function recordPending(storage: DurableObjectStorage, invocation: InvokeRequest): void {
  storage.sql.exec(PENDING_TABLE);
  storage.sql.exec(
    "INSERT OR REPLACE INTO flows_pending (run_id, invocation) VALUES (?, ?)",
    invocation.runId,
    JSON.stringify(invocation),
  );
}

export function pendingInvocations(storage: DurableObjectStorage): InvokeRequest[] {
  storage.sql.exec(PENDING_TABLE);
  return storage.sql
    .exec<{ invocation: string }>("SELECT invocation FROM flows_pending")
    .toArray()
    .map((row) => JSON.parse(row.invocation) as InvokeRequest);
}

/** Whether a run waits here to be started or carried on; creates nothing when none ever did. */
export function isPending(storage: DurableObjectStorage, runId: string): boolean {
  const table = storage.sql
    .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'flows_pending'")
    .toArray();
  if (table.length === 0) return false;
  return storage.sql.exec("SELECT 1 FROM flows_pending WHERE run_id = ?", runId).toArray().length > 0;
}

export function dropPending(storage: DurableObjectStorage, runId: string): void {
  storage.sql.exec(PENDING_TABLE);
  storage.sql.exec("DELETE FROM flows_pending WHERE run_id = ?", runId);
}

/** When an outcome leaves the run waiting for a time: a sleep or backoff, or a halt's deadline. */
export function wakeTime(outcome: RunOutcome): number | undefined {
  if (outcome.status === "suspended") return outcome.wakeAt;
  if (outcome.status === "halted") return outcome.deadline;
  return undefined;
}

/** Sets the alarm for `at` unless an earlier one is already set. */
export async function alarmBy(storage: DurableObjectStorage, at: number): Promise<void> {
  const current = await storage.getAlarm();
  if (current === null || current > at) await storage.setAlarm(at);
}

/** Keeps a run that waits for a time in the alarm's care; anything else needs nothing. */
export async function carryForward(storage: DurableObjectStorage, outcome: RunOutcome): Promise<void> {
  const at = wakeTime(outcome);
  if (at === undefined) return;
  recordPending(storage, { flow: outcome.flow, runId: outcome.runId });
  await alarmBy(storage, at);
}
