import { foldJournal, type JournalEntry, type RunStatus, type WireRunSummary } from "@flows/kernel";

/** A run as the index lists it (`GET /runs` items): the kernel's run summary on the wire. */
export type RunSummaryRow = WireRunSummary;

/** A row as pushed to its shard: the run object's version of it, so a late push never undoes a newer one. */
export type VersionedRow = RunSummaryRow & { readonly version: number };

export const RUN_STATUSES: readonly RunStatus[] = [
  "running",
  "suspended",
  "halted",
  "completed",
  "failed",
  "cancelled",
];

/** What the run object keeps about its run for the index, besides the journal. */
export interface IndexedRun {
  readonly runId: string;
  readonly flow: string;
  readonly trigger: string;
  /** Fixed when the run is first recorded: it decides the run's shard, so it never changes. */
  readonly startedAt: number;
  readonly bucket: number;
  readonly shard: number;
  readonly version: number;
  readonly pushed: number;
  /** A run that failed before journaling anything (e.g. an async start naming an unknown trigger). */
  readonly failedCode: string | null;
  readonly failedAt: number | null;
}

/** The run's row from what the run object keeps and its journal (empty while an async start waits). */
export function summaryRow(run: IndexedRun, entries: readonly JournalEntry[]): RunSummaryRow {
  const state = foldJournal(run.runId, entries);
  let updatedAt = run.startedAt;
  for (const entry of entries) if ("at" in entry && entry.at > updatedAt) updatedAt = entry.at;
  const failedEarly = entries.length === 0 && run.failedCode !== null;
  if (failedEarly && run.failedAt !== null && run.failedAt > updatedAt) updatedAt = run.failedAt;
  return {
    run_id: run.runId,
    flow: state.started?.flow ?? run.flow,
    status: failedEarly ? "failed" : state.status,
    trigger: run.trigger,
    started_at: run.startedAt,
    updated_at: updatedAt,
    finished_at: state.finished?.at ?? (failedEarly ? run.failedAt : null),
    checkpoint: state.halt?.checkpoint ?? null,
    wake_at: state.wakeAt ?? state.halt?.deadline ?? null,
    error_code: state.finished?.error?.code ?? (failedEarly ? run.failedCode : null),
  };
}
