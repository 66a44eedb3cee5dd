import type { ViewFormat } from "./run-list";
import { isoTime, table } from "./table";
import type { WireRunDetail } from "./wire";

/**
 * `flows inspect` output, the same for a local run and a Worker's: JSON is the `GET /runs/:id`
 * answer itself; text is the node table and the run's status line.
 */
export function formatRunDetail(detail: WireRunDetail, format: ViewFormat): string {
  if (format === "json") return `${JSON.stringify(detail)}\n`;
  const rows = [["NODE", "STATUS", "ATTEMPTS", "DURATION", "CODE"]];
  for (const node of detail.nodes) {
    const duration = typeof node.duration_ms === "number" ? `${node.duration_ms} ms` : "-";
    rows.push([node.node, node.status, String(node.attempts), duration, node.error?.code ?? ""]);
  }
  let status = `status: ${detail.status}`;
  const resume = detail.resume;
  if (resume) {
    status +=
      resume.event === undefined || resume.event === null
        ? ` at checkpoint "${resume.checkpoint}" (node ${resume.node}), token ${resume.token}`
        : ` waiting for event "${resume.event}" (node ${resume.node})`;
  } else if (detail.status === "halted" && detail.checkpoint) {
    status += ` at checkpoint "${detail.checkpoint}"`;
  }
  if (detail.status === "suspended" && typeof detail.wake_at === "number")
    status += ` until ${isoTime(detail.wake_at)}`;
  if (detail.error) status += ` — ${detail.error.code}: ${detail.error.message}`;
  return `run ${detail.run_id} of flow ${detail.flow ?? "-"} started ${isoTime(detail.started_at)}\n${table(rows)}\n${status}\n`;
}
