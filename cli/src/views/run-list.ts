import { isoTime, table } from "./table";
import type { WireRunList } from "./wire";

export type ViewFormat = "text" | "json";

/**
 * `flows runs` output, the same for local runs and a Worker's: JSON is the `GET /runs` answer
 * itself; text is a table, newest first, with a pointer to the next page on stderr.
 */
export function formatRunList(list: WireRunList, format: ViewFormat): { stdout: string; stderr: string } {
  if (format === "json") return { stdout: `${JSON.stringify(list)}\n`, stderr: "" };
  const more =
    list.next_cursor === null
      ? ""
      : `more runs: add --cursor ${list.next_cursor} to the same command for the next page\n`;
  if (list.runs.length === 0) return { stdout: "no runs\n", stderr: more };
  const rows = [["RUN", "FLOW", "STATUS", "STARTED", "CHECKPOINT"]];
  for (const run of list.runs) {
    rows.push([run.run_id, run.flow ?? "-", run.status, isoTime(run.started_at), run.checkpoint ?? ""]);
  }
  return { stdout: `${table(rows)}\n`, stderr: more };
}
