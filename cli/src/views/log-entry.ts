import type { ViewFormat } from "./run-list";
import { isoTime } from "./table";
import type { WireJournalEntry as WireEntry } from "./wire";

const str = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : "");

function errorText(value: unknown): string {
  if (value === null || typeof value !== "object") return "";
  const { code, message } = value as { code?: unknown; message?: unknown };
  return `${str(code)}: ${str(message)}`;
}

/** When the entry happened, as far as it says. */
function entryTime(entry: WireEntry): unknown {
  return entry.at ?? entry.started_at;
}

/** What one entry says, after its time and type. */
function describe(entry: WireEntry): string {
  const node = `node ${str(entry.node)}`;
  switch (entry.type) {
    case "started":
      return `flow ${str(entry.flow)} (trigger ${str(entry.trigger)}, capture ${str(entry.capture)})`;
    case "completed": {
      const continued = entry.error ? ` after ${errorText(entry.error)} (continued)` : "";
      return `${node} in ${str(entry.duration_ms)} ms, ${str(entry.attempts)} attempt(s)${continued}`;
    }
    case "skipped":
      return node;
    case "failed":
      return `${node} after ${str(entry.attempts)} attempt(s), ${str(entry.duration_ms)} ms — ${errorText(entry.error)}`;
    case "retrying": {
      const item = entry.item === undefined ? "" : ` item ${str(entry.item)}`;
      return `${node}${item} attempt ${str(entry.attempt)} — ${errorText(entry.error)}; next at ${isoTime(entry.retry_at)}`;
    }
    case "suspended":
      return `until ${isoTime(entry.wake_at)}`;
    case "value":
      return `${node} #${str(entry.seq)} = ${str(entry.value)}`;
    case "halted": {
      const what =
        entry.event === undefined || entry.event === null
          ? `checkpoint "${str(entry.checkpoint)}"`
          : `event "${str(entry.checkpoint)}"`;
      const deadline = entry.deadline === undefined ? "" : ` until ${isoTime(entry.deadline)}`;
      return `${node} at ${what}${deadline}`;
    }
    case "expired":
      return `${node} at "${str(entry.checkpoint)}"`;
    case "event":
      return `"${str(entry.name)}" id ${str(entry.id)}`;
    case "received":
      return `${node} took event ${str(entry.id)}`;
    case "resumed":
      return `${node} at checkpoint "${str(entry.checkpoint)}"`;
    case "finished":
      return entry.error ? `${str(entry.status)} — ${errorText(entry.error)}` : str(entry.status);
    default:
      return "";
  }
}

/**
 * One journal entry as `flows logs` prints it, the same for a local run and a Worker's: JSON is
 * the entry's wire form (one line each, as `GET /runs/:id/events` sends it); text is one line of
 * sequence number, time, type and what happened. Resume tokens are left to `flows inspect`.
 */
export function formatLogEntry(seq: number, entry: WireEntry, format: ViewFormat): string {
  if (format === "json") return `${JSON.stringify(entry)}\n`;
  return (
    `${String(seq).padStart(3)}  ${isoTime(entryTime(entry)).padEnd(24)}  ${entry.type.padEnd(9)}  ${describe(entry)}`.trimEnd() +
    "\n"
  );
}
