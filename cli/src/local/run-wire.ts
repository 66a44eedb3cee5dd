import { foldJournal, type JournalEntry } from "@flows/kernel";
import type { WireEntry, WireNode, WireRunDetail, WireRunSummary } from "../views/wire";

/** How a local run was started, in the index's `trigger` column (a Worker says http, queue, …). */
const LOCAL_TRIGGER = "cli";
const CAP_BYTES = 4096;

const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A journal entry in wire form: its own keys in snake_case, user values (payloads, outputs) as they are. */
export function entryToWire(entry: JournalEntry): WireEntry {
  const wire: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) wire[snake(key)] = value;
  return wire as WireEntry;
}

/** A value as the run views carry it: itself up to 4 KiB of JSON, else a marker with a preview. */
export function capValue(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined || text.length <= CAP_BYTES) return value ?? null;
  return { $truncated: true, bytes: text.length, preview: text.slice(0, CAP_BYTES) };
}

/** The time of the last entry that says when it happened. */
function lastTime(entries: readonly JournalEntry[]): number | null {
  let last: number | null = null;
  for (const entry of entries) {
    const at = "at" in entry ? entry.at : entry.type === "completed" ? entry.startedAt + entry.durationMs : undefined;
    if (typeof at === "number" && (last === null || at > last)) last = at;
  }
  return last;
}

/** A local run as an index row; undefined when the run never started. */
export function runSummaryOf(runId: string, entries: readonly JournalEntry[]): WireRunSummary | undefined {
  const state = foldJournal(runId, entries);
  if (state.started === undefined) return undefined;
  return {
    run_id: runId,
    flow: state.started.flow,
    status: state.status,
    trigger: LOCAL_TRIGGER,
    started_at: state.started.at,
    updated_at: lastTime(entries),
    finished_at: state.finished?.at ?? null,
    checkpoint: state.halt?.checkpoint ?? null,
    wake_at: state.wakeAt ?? null,
    error_code: state.finished?.error?.code ?? null,
  };
}

const EVENT_TYPES: ReadonlySet<string> = new Set([
  "halted",
  "resumed",
  "expired",
  "event",
  "received",
  "suspended",
  "retrying",
]);

/** A local run as `GET /runs/:id` shows a Worker's; undefined when the run never started. */
export function runDetailOf(runId: string, entries: readonly JournalEntry[]): WireRunDetail | undefined {
  const summary = runSummaryOf(runId, entries);
  const state = foldJournal(runId, entries);
  if (summary === undefined || state.started === undefined) return undefined;
  const nodes: WireNode[] = [];
  for (const entry of entries) {
    if (entry.type === "completed" || entry.type === "failed") {
      nodes.push({
        node: entry.node,
        status: entry.type,
        attempts: entry.attempts,
        started_at: entry.type === "completed" ? entry.startedAt : null,
        duration_ms: entry.durationMs,
        error: entry.error ?? null,
        ...(entry.type === "completed" ? { output: capValue(entry.output) } : {}),
      });
    } else if (entry.type === "skipped") {
      nodes.push({ node: entry.node, status: "skipped", attempts: 0, started_at: null, duration_ms: 0, error: null });
    }
  }
  const halt = state.halt;
  if (halt !== undefined) {
    nodes.push({ node: halt.node, status: "halted", attempts: 1, started_at: null, duration_ms: null, error: null });
  }
  return {
    ...summary,
    flow_version: state.started.version ?? null,
    error: state.finished?.error ?? null,
    input: capValue(state.started.payload),
    output: state.finished?.status === "completed" ? capValue(state.finished.output) : null,
    resume:
      halt === undefined
        ? null
        : {
            node: halt.node,
            checkpoint: halt.checkpoint,
            token: halt.token,
            deadline_at: halt.deadline ?? null,
            event: halt.event?.name ?? null,
          },
    nodes,
    events: entries.filter((entry) => EVENT_TYPES.has(entry.type)).map(entryToWire),
    // Local runs are read from their journal alone; the graph needs the flow file.
    graph: null,
  };
}
