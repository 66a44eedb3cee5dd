import type { ViewFormat } from "./run-list";
import { isoTime, table } from "./table";
import type { RunDetail } from "./wire";

/** A value in one short line: its JSON, cut to `width` characters. */
function brief(value: unknown, width = 32): string {
  if (value === null || value === undefined) return "-";
  const marker = value as { $truncated?: unknown; bytes?: unknown };
  if (marker.$truncated === true) return `(${marker.bytes} bytes)`;
  const text = JSON.stringify(value);
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/**
 * `flows inspect` output, the same for a local run and a Worker's: JSON is the run detail as
 * `GET /runs/:id` answers it; text a line per node, the waits and retries, then how the run stands.
 */
export function formatRunDetail(detail: RunDetail, format: ViewFormat): string {
  if (format === "json") return `${JSON.stringify(detail)}\n`;
  const rows = [["NODE", "STATUS", "ATTEMPTS", "DURATION", "CODE", "INPUT", "OUTPUT"]];
  for (const node of detail.nodes) {
    rows.push([
      node.alias,
      node.status,
      String(node.attempts),
      node.duration_ms === null ? "-" : `${node.duration_ms} ms`,
      node.error?.code ?? "",
      brief(node.input),
      brief(node.output),
    ]);
  }
  let text = `run ${detail.run_id} of flow ${detail.flow} started ${isoTime(detail.started_at)}\n${table(rows)}\n`;
  for (const event of detail.events) {
    const node = event.node === null ? "" : ` ${event.node}`;
    const what =
      event.type === "retrying"
        ? ` attempt ${event.attempt} failed (${event.error.code}), next at ${isoTime(event.retry_at)}`
        : event.type === "halted" || event.type === "resumed" || event.type === "expired"
          ? ` at "${event.checkpoint}"`
          : event.type === "event" || event.type === "received"
            ? ` ${event.type === "event" ? event.name : ""} ${event.id}`.trimEnd()
            : ` until ${isoTime(event.wake_at)}`;
    text += `${isoTime(event.at)}  ${event.type}${node}${what}\n`;
  }
  text += `status: ${detail.status}`;
  const resume = detail.resume;
  if (resume !== null) {
    text +=
      resume.event !== null
        ? ` waiting for event "${resume.event}" (node ${resume.node})`
        : ` at checkpoint "${resume.checkpoint}" (node ${resume.node})${resume.token === null ? "" : `, token ${resume.token}`}`;
  }
  if (detail.status === "suspended" && detail.wake_at !== null) text += ` until ${isoTime(detail.wake_at)}`;
  if (detail.error !== null) text += ` — ${detail.error.code}: ${detail.error.message}`;
  return `${text}\n`;
}
